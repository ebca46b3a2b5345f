import { Registry } from 'prom-client';
import { z } from 'zod';
import { silentLogger } from '../../../infrastructure/logging/logger';
import { CpmsCallError } from '../http/cpms-call-error';
import { CpmsHttpClient, type CpmsResponse } from '../http/cpms-http-client';
import type { AdapterHealthSnapshot, StationAdapterDeps, StationAdapterSettings } from '../station-adapter';
import {
  LONGSHIP_APPLICATION_KEY_HEADER,
  LONGSHIP_TENANT_KEY_HEADER,
  longshipChargePointStatusSchema,
  longshipMessageSchema,
  longshipSessionSchema,
  nextLinkOf,
  type LongshipChargePointStatus,
  type LongshipSession,
} from './longship-api';
import { longshipErrorOf, longshipRefusal } from './longship-errors';

export type LongshipSettings = Extract<StationAdapterSettings, { adapterType: 'longship' }>;

/** A remote command's fate: the charge point's verdict, or the CPMS's "no" to the request itself. */
export type CommandOutcome =
  | { kind: 'accepted' }
  | { kind: 'rejected' }
  | { kind: 'unconfirmed' }
  | { kind: 'refused'; code: string; message: string };

/** Pages followed at most when listing (a guard against a Link loop). */
const MAX_PAGES = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const segment = (value: string) => encodeURIComponent(value);

/** Longship's CPMS API v1 as typed calls over the shared CPMS HTTP layer. */
export class LongshipClient {
  private readonly http: CpmsHttpClient;
  private closed = false;

  constructor(
    private readonly settings: LongshipSettings,
    private readonly deps: StationAdapterDeps,
  ) {
    const { credentials } = settings;
    this.http = new CpmsHttpClient({
      adapterType: 'longship',
      settings,
      registry: deps.registry ?? new Registry(),
      logger: deps.logger ?? silentLogger(),
      now: deps.now,
      secrets: () => [credentials.tenantKey, credentials.applicationKey, credentials.webhookSecret],
      errorOf: longshipErrorOf,
      authorize: () =>
        Promise.resolve({
          [LONGSHIP_TENANT_KEY_HEADER]: credentials.tenantKey,
          [LONGSHIP_APPLICATION_KEY_HEADER]: credentials.applicationKey,
        }),
    });
  }

  health(): AdapterHealthSnapshot {
    return this.http.health();
  }

  /** Ends the message polls under way. */
  close(): void {
    this.closed = true;
  }

  /**
   * `POST /v1/chargepoints/{id}/remotestart|remotestop`, sent once, then the message its 202 names,
   * polled until the charge point accepts or rejects it, at most `timeouts.startConfirmMs`.
   */
  async command(
    chargePointId: string,
    command: 'remotestart' | 'remotestop',
    json: Record<string, unknown>,
  ): Promise<CommandOutcome> {
    const operation = command === 'remotestart' ? 'remote_start' : 'remote_stop';
    const answer = await this.http.request({
      operation,
      method: 'POST',
      path: `/v1/chargepoints/${segment(chargePointId)}/${command}`,
      json,
      safeToRepeat: false,
    });
    if (answer.status !== 202 && answer.status !== 200) {
      return { kind: 'refused', ...longshipRefusal(answer.status, answer.body) };
    }
    return { kind: await this.awaitMessage(chargePointId, answer, `${operation}_status`) };
  }

  /** undefined when Longship knows no such session. */
  async session(sessionId: string): Promise<LongshipSession | undefined> {
    const answer = await this.http.request({
      operation: 'get_session',
      method: 'GET',
      path: `/v1/sessions/${segment(sessionId)}`,
      safeToRepeat: true,
    });
    if (answer.status === 404) return undefined;
    return this.parse(longshipSessionSchema, answer, 'get_session');
  }

  /** The latest session of an idTag on a charge point (the idTag is matched here too, whatever the filter does). */
  async sessionByIdTag(chargePointId: string, idTag: string): Promise<LongshipSession | undefined> {
    const sessions = await this.list(
      `/v1/sessions?chargepointid=${segment(chargePointId)}&idtag=${segment(idTag)}`,
      'list_sessions',
      longshipSessionSchema,
    );
    return sessions.filter((session) => session.idTag === idTag).at(-1);
  }

  async chargePointStatus(chargePointId: string): Promise<LongshipChargePointStatus | undefined> {
    const statuses = await this.list(
      `/v1/chargepointstatus?chargepointid=${segment(chargePointId)}`,
      'charge_point_status',
      longshipChargePointStatusSchema,
    );
    return statuses.find((status) => status.chargePointId === chargePointId);
  }

  private async awaitMessage(
    chargePointId: string,
    answer: CpmsResponse,
    operation: string,
  ): Promise<'accepted' | 'rejected' | 'unconfirmed'> {
    const bodyId = z.object({ messageId: z.string() }).safeParse(answer.body);
    const messagePath =
      answer.headers.get('location') ??
      (bodyId.success
        ? `/v1/chargepoints/${segment(chargePointId)}/messages?messageId=${segment(bodyId.data.messageId)}`
        : undefined);
    if (!messagePath) {
      throw new CpmsCallError('cpms_bad_answer', `longship ${operation}: a 202 without a message to follow`);
    }
    const { startConfirmMs } = this.settings.timeouts;
    const deadline = this.deps.now().getTime() + startConfirmMs;
    const every = Math.min(1000, Math.max(20, Math.floor(startConfirmMs / 20)));
    while (!this.closed) {
      const polled = await this.http.request({
        operation,
        method: 'GET',
        path: messagePath,
        safeToRepeat: true,
      });
      const message = longshipMessageSchema.safeParse(polled.body);
      if (polled.status === 200 && message.success) {
        const status = message.data.status.toLowerCase();
        if (status === 'accepted' || status === 'rejected') return status;
      }
      if (this.deps.now().getTime() + every > deadline) return 'unconfirmed';
      await sleep(every);
    }
    return 'unconfirmed';
  }

  /** Follows `Link: <...>; rel="next"` pages. */
  private async list<T>(first: string, operation: string, schema: z.ZodType<T>): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = first;
    for (let page = 0; next && page < MAX_PAGES; page += 1) {
      const answer = await this.http.request({ operation, method: 'GET', path: next, safeToRepeat: true });
      if (answer.status === 404) return items;
      items.push(...this.parse(z.array(schema), answer, operation));
      next = nextLinkOf(answer.headers.get('link'));
    }
    return items;
  }

  private parse<T>(schema: z.ZodType<T>, answer: CpmsResponse, operation: string): T {
    if (answer.status >= 400) {
      const refusal = longshipRefusal(answer.status, answer.body);
      throw new CpmsCallError(refusal.code, `longship ${operation}: ${refusal.message}`, answer.status);
    }
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new CpmsCallError('cpms_bad_answer', `longship ${operation}: an answer of an unexpected shape`);
    }
    return parsed.data;
  }
}
