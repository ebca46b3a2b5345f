import { forbidden, invalid, notFound } from '../../domain/shared/domain-error';
import type { TerminalCommand } from '../../domain/terminal/terminal.commands';
import { terminalDecider, terminalStreamName } from '../../domain/terminal/terminal.decider';
import {
  terminalEventCodec,
  type HealthReadings,
  type HealthReportType,
  type TerminalStatus,
} from '../../domain/terminal/terminal.events';
import type { TerminalState } from '../../domain/terminal/terminal.state';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore, GlobalPosition } from '../../infrastructure/event-store/event-store';
import { deterministicId, newId } from '../../infrastructure/ids';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import { canReach, type AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { evolveTerminalDocument } from '../../projections/terminals/terminal.projection';
import { commandHandlerFor, type CommandResult, type LoadOptions } from '../command-handler';
import type { TerminalCredentials } from './terminal-credentials';

export interface TerminalServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  credentials: TerminalCredentials;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
  offlineAfterMs: number;
}

export interface RegisterTerminalInput {
  serialNumber: string;
  model: string;
  stationId: string;
  manufacturer?: string;
  label?: string;
  firmwareVersion?: string;
  metadata?: Record<string, string>;
}

export interface HealthEventInput extends Omit<HealthReadings, 'network'> {
  eventId: string;
  type: HealthReportType;
  occurredAt: string;
  network?: { type: NonNullable<HealthReadings['network']>['type']; signalDbm?: number | null };
}

type Result = CommandResult<TerminalState, TerminalDocument>;

/**
 * The answer to a command that changes who may authenticate: `effective` tells whether the read models
 * authentication consults have applied it, so the caller can promise the change is in force.
 */
export interface CredentialEffect {
  result: Result;
  effective: boolean;
}

export const terminalAggregate = {
  decider: terminalDecider,
  codec: terminalEventCodec,
  streamName: terminalStreamName,
  view: evolveTerminalDocument,
};

/** Which reading each type of health event must carry. */
const REQUIRED_READING: Record<HealthReportType, keyof HealthReadings | null> = {
  heartbeat: null,
  battery: 'battery',
  paper: 'paper',
  network: 'network',
  firmware: 'firmwareVersion',
  error: 'errorCodes',
};

/** Another merchant's (or another terminal's) terminal is reported as absent, so ids reveal nothing. */
const reachableBy = (scope: AccessScope, id: string) => (state: TerminalState) => {
  if (state.status === 'unregistered' || !canReach(scope, { merchantId: state.merchantId, terminalId: id })) {
    throw notFound('terminal_not_found', `no terminal ${id}`);
  }
};

const operatorOnly = (scope: AccessScope, action: string) => {
  if (scope.terminalId !== undefined) {
    throw forbidden('operator_credential_required', `a terminal's own credential cannot ${action}`);
  }
};

const latest = (...positions: (GlobalPosition | undefined)[]): GlobalPosition | undefined =>
  positions.reduce<GlobalPosition | undefined>(
    (max, position) => (position !== undefined && (max === undefined || position > max) ? position : max),
    undefined,
  );

export const terminalService = (deps: TerminalServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  const { credentials } = deps;
  const handler = commandHandlerFor(deps.eventStore, terminalAggregate);

  const onExisting = (
    id: string,
    command: TerminalCommand,
    scope: AccessScope,
    context: CommandContext,
    expectedVersion?: number,
  ): Promise<Result> =>
    handler.handle(id, command, context, {
      guard: reachableBy(scope, id),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });

  const projected = async (position: GlobalPosition | undefined): Promise<boolean> =>
    position === undefined || deps.freshness.waitFor(position, deps.readYourWritesTimeoutMs);

  /**
   * Records a new credential for the terminal, then issues its key and revokes the previous one. A
   * retry that finds the key issued but never shown rotates once more: a key is shown once or never.
   */
  const rotate = async (id: string, scope: AccessScope, context: CommandContext) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const idempotency = attempt === 0 ? context.idempotency : undefined;
      const credentialId = idempotency
        ? deterministicId('key', idempotency.scope, idempotency.key, id)
        : newId('key');
      const attemptContext: CommandContext = { ...context, idempotency };
      const result = await onExisting(
        id,
        { type: 'RotateTerminalCredential', now: now(), credentialId },
        scope,
        attemptContext,
      );
      if (result.state.status === 'unregistered') throw notFound('terminal_not_found', `no terminal ${id}`);
      // The rotation may be a first attempt's, so it is looked up in the history, not in `appended`.
      const rotation = (await handler.history(id))
        .map((recorded) => terminalEventCodec.parse(recorded))
        .find(
          (event) => event.type === 'TerminalCredentialRotated' && event.data.credentialId === credentialId,
        );
      if (rotation?.type !== 'TerminalCredentialRotated') throw new Error('the rotation was not recorded');
      if (await credentials.exists(credentialId)) continue;
      const issued = await credentials.issue(result.state, credentialId, attemptContext);
      const revoked = await credentials.revoke(rotation.data.previousCredentialId, 'rotated', attemptContext);
      return { result, apiKey: issued.key, effective: await projected(latest(issued.position, revoked)) };
    }
    throw new Error(`could not rotate the credential of ${id}`);
  };

  return {
    /** The terminal as its stream holds it now (the payment trust check decides from it). */
    load: (id: string, options?: LoadOptions) => handler.load(id, options),

    register: async (input: RegisterTerminalInput, scope: AccessScope, context: CommandContext) => {
      operatorOnly(scope, 'register terminals');
      // One terminal per serial number and merchant: a second registration is a conflict, not a twin.
      const terminalId = deterministicId('trm', scope.merchantId, input.serialNumber);
      const credentialId = deterministicId('key', terminalId, 'registration');
      const result = await handler.handle(
        terminalId,
        {
          type: 'RegisterTerminal',
          now: now(),
          terminalId,
          merchantId: scope.merchantId,
          serialNumber: input.serialNumber,
          model: input.model,
          manufacturer: input.manufacturer ?? null,
          stationId: input.stationId,
          label: input.label ?? null,
          firmwareVersion: input.firmwareVersion ?? null,
          metadata: input.metadata ?? {},
          credentialId,
        },
        context,
      );
      if (result.state.status === 'unregistered') throw new Error('registration left no terminal');
      if (result.appended.length === 0 && (await credentials.exists(result.state.credentialId))) {
        // The first attempt issued the key and died before answering: the key was never shown.
        return rotate(terminalId, scope, { ...context, idempotency: undefined });
      }
      const issued = await credentials.issue(result.state, result.state.credentialId, context);
      return { result, apiKey: issued.key, effective: await projected(issued.position) };
    },

    reportHealth: (id: string, input: HealthEventInput, scope: AccessScope, context: CommandContext) => {
      const required = REQUIRED_READING[input.type];
      if (required !== null && input[required] === undefined) {
        throw invalid('health_reading_missing', `a ${input.type} event needs ${required}`, required);
      }
      const { eventId, type, occurredAt, network, ...rest } = input;
      const readings: HealthReadings = {
        ...rest,
        ...(network ? { network: { type: network.type, signalDbm: network.signalDbm ?? null } } : {}),
      };
      return onExisting(
        id,
        {
          type: 'ReportTerminalHealth',
          now: now(),
          eventId,
          reportType: type,
          occurredAt: new Date(occurredAt).toISOString(),
          readings,
          offlineAfterMs: deps.offlineAfterMs,
        },
        scope,
        context,
      );
    },

    /** Suspension and decommissioning stop the terminal's key: it is refused once this answers. */
    changeStatus: async (
      id: string,
      input: { status: TerminalStatus; reason?: string },
      scope: AccessScope,
      context: CommandContext,
      expectedVersion?: number,
    ): Promise<CredentialEffect> => {
      operatorOnly(scope, 'change terminal status');
      const result = await onExisting(
        id,
        { type: 'ChangeTerminalStatus', now: now(), status: input.status, reason: input.reason ?? null },
        scope,
        context,
        expectedVersion,
      );
      const revoked =
        result.state.status === 'decommissioned'
          ? await credentials.revoke(result.state.credentialId, 'terminal_decommissioned', context)
          : undefined;
      return { result, effective: await projected(latest(result.position, revoked)) };
    },

    /**
     * Operators only: a terminal rotating its own key and losing the answer would be locked out, since
     * its old key no longer works to retry.
     */
    rotateCredential: (id: string, scope: AccessScope, context: CommandContext) => {
      operatorOnly(scope, 'rotate credentials');
      return rotate(id, scope, context);
    },

    /** For the offline sweep: a system command, not bound to a merchant. */
    markOffline: (id: string, context: CommandContext) =>
      handler.handle(
        id,
        { type: 'MarkTerminalOffline', now: now(), offlineAfterMs: deps.offlineAfterMs },
        context,
      ),
  };
};

export type TerminalService = ReturnType<typeof terminalService>;
