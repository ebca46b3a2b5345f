import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { newUuid } from '../../infrastructure/ids';
import { createOcpiClient, type OcpiClient } from '../../ocpi/client/ocpi-client';
import type { OcpiVersion } from '../../ocpi/openapi/ocpi-description';
import { newCredentialsToken, tokensOfHeader } from '../../ocpi/transport/credentials-token';
import { routingHeadersTo } from '../../ocpi/http/routing-headers';
import { ocpiFailure, ocpiSuccess } from '../../ocpi/transport/ocpi-envelope';
import { OcpiError } from '../../ocpi/transport/ocpi-errors';
import { pageOf, pagingFor } from '../../ocpi/transport/paging';
import { SimulatorServer } from '../simulator-kit/serve';
import {
  simulatedLocations,
  simulatedTariffs,
  type SimulatedLocation,
  type SimulatedTariff,
} from './ocpi-cpo-data';

/** The Credentials object of the wire (credentials/schema.yaml). */
interface Credentials {
  token: string;
  url: string;
  roles: { role: string; business_details: { name: string }; party_id: string; country_code: string }[];
}

interface Endpoint {
  identifier: string;
  role: 'SENDER' | 'RECEIVER';
  url: string;
}

/** What the simulator knows of its one peer (the gateway), both directions of the handshake. */
interface PeerState {
  /** Token A we issued and the peer has not used to register yet. */
  registrationToken?: string;
  /** The token the peer uses with us (C when it registered with us, its B when we registered). */
  tokenForUs?: string;
  /** The token we use with the peer. */
  tokenForPeer?: string;
  versionsUrl?: string;
  version?: OcpiVersion;
  endpoints: Endpoint[];
  roles: Credentials['roles'];
}

export interface OcpiCpoSimulatorOptions {
  countryCode?: string;
  partyId?: string;
  name?: string;
  /** The versions it offers; a test takes one away to see a 3002. */
  versions?: readonly OcpiVersion[];
  client?: OcpiClient;
  /** X-Limit of its sender interfaces: small in tests, so lists take several pages. */
  pageLimit?: number;
}

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
};

/**
 * A CPO platform speaking OCPI over real HTTP, for tests and `edgepay simulate ocpi-cpo`: versions and
 * credentials (it registers with the gateway, or the gateway registers with it; re-roll; unregister).
 * It checks tokens the 2.2.1 way (base64). The functional modules it serves are listed in its version
 * details as they are added.
 */
export class OcpiCpoSimulator {
  readonly countryCode: string;
  readonly partyId: string;
  private readonly name: string;
  private readonly versions: readonly OcpiVersion[];
  private readonly client: OcpiClient;
  private readonly server = new SimulatorServer();
  private baseUrl = '';
  readonly peer: PeerState = { endpoints: [], roles: [] };
  /** Every correlation id the simulator saw, to check a flow keeps one. */
  readonly seenCorrelationIds: string[] = [];
  readonly locations: SimulatedLocation[];
  readonly tariffs: SimulatedTariff[];
  private readonly paging: ReturnType<typeof pagingFor>;
  /** Commands received (START_SESSION, STOP_SESSION), with their bodies. */
  readonly commandsReceived: { command: string; body: Record<string, unknown> }[] = [];
  /** What it answers at once (CommandResponse) and later posts to the response_url (CommandResult). */
  commandAnswer = 'ACCEPTED';
  commandResult = 'ACCEPTED';
  /** The CommandResult posts in flight, so a test can wait for them. */
  readonly resultsPosted: Promise<void>[] = [];
  /** Financial Advice Confirmations the PTP pushed. */
  readonly financialAdviceReceived: Record<string, unknown>[] = [];
  /** How many Financial Advice Confirmation posts to come find the receiver down (connection dropped). */
  financialAdviceOutage = 0;
  /** Financial Advice Confirmation posts dropped. */
  financialAdviceRefused = 0;
  private readonly sessionsPushed = new Set<string>();

  constructor(options: OcpiCpoSimulatorOptions = {}) {
    this.countryCode = options.countryCode ?? 'NL';
    this.partyId = options.partyId ?? 'CPO';
    this.name = options.name ?? 'Simulated CPO';
    this.versions = options.versions ?? ['2.2.1', '2.3.0'];
    this.client = options.client ?? createOcpiClient({ timeoutMs: 5000, attempts: 2, backoffMs: 50 });
    this.locations = simulatedLocations(this.countryCode, this.partyId);
    this.tariffs = simulatedTariffs(this.countryCode, this.partyId);
    this.paging = pagingFor({ secret: randomBytes(32), maxLimit: options.pageLimit ?? 50 });
  }

  get versionsUrl(): string {
    return `${this.baseUrl}/ocpi/cpo/versions`;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.baseUrl = await this.server.listen((req, res) => void this.handle(req, res), port, host);
    return this.baseUrl;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** A token A for the gateway to register with (handed over out of band, as in credentials.asciidoc). */
  issueRegistrationToken(): string {
    this.peer.registrationToken = newCredentialsToken();
    return this.peer.registrationToken;
  }

  /** We register with the gateway: its versions URL and the token A it issued us. */
  async registerWith(versionsUrl: string, tokenA: string): Promise<void> {
    const correlationId = newUuid();
    const { version, endpoints } = await this.peerEndpoints(versionsUrl, tokenA, correlationId);
    const tokenB = newCredentialsToken();
    this.peer.tokenForUs = tokenB;
    const answer = await this.credentialsCall(
      'POST',
      endpoints,
      version,
      tokenA,
      correlationId,
      this.ourCredentials(tokenB),
    );
    Object.assign(this.peer, {
      tokenForPeer: answer.token,
      versionsUrl,
      version,
      endpoints,
      roles: answer.roles,
    });
  }

  async reroll(): Promise<void> {
    const { tokenForPeer, endpoints, version, versionsUrl } = this.registered();
    const correlationId = newUuid();
    const tokenB = newCredentialsToken();
    const previous = this.peer.tokenForUs;
    this.peer.tokenForUs = tokenB;
    try {
      const answer = await this.credentialsCall(
        'PUT',
        endpoints,
        version,
        tokenForPeer,
        correlationId,
        this.ourCredentials(tokenB),
      );
      this.peer.tokenForPeer = answer.token;
      this.peer.endpoints = (
        await this.peerEndpoints(versionsUrl, answer.token, correlationId, version)
      ).endpoints;
    } catch (error) {
      this.peer.tokenForUs = previous;
      throw error;
    }
  }

  async unregister(): Promise<void> {
    const { tokenForPeer, endpoints, version } = this.registered();
    await this.credentialsCall('DELETE', endpoints, version, tokenForPeer, newUuid());
    this.forgetPeer();
  }

  private registered() {
    const { tokenForPeer, endpoints, version, versionsUrl } = this.peer;
    if (!tokenForPeer || !version || !versionsUrl)
      throw new Error('the simulator is not registered with its peer');
    return { tokenForPeer, endpoints, version, versionsUrl };
  }

  private forgetPeer() {
    Object.assign(this.peer, {
      tokenForUs: undefined,
      tokenForPeer: undefined,
      version: undefined,
      endpoints: [],
      roles: [],
    });
  }

  private ourCredentials(token: string): Credentials {
    return {
      token,
      url: this.versionsUrl,
      roles: [
        {
          role: 'CPO',
          business_details: { name: this.name },
          party_id: this.partyId,
          country_code: this.countryCode,
        },
      ],
    };
  }

  private ourEndpoints(version: OcpiVersion): Endpoint[] {
    const base = `${this.baseUrl}/ocpi/cpo/${version}`;
    return [
      { identifier: 'credentials', role: 'SENDER', url: `${base}/credentials` },
      { identifier: 'credentials', role: 'RECEIVER', url: `${base}/credentials` },
      { identifier: 'locations', role: 'SENDER', url: `${base}/locations` },
      { identifier: 'tariffs', role: 'SENDER', url: `${base}/tariffs` },
      { identifier: 'commands', role: 'RECEIVER', url: `${base}/commands` },
      ...(version === '2.3.0'
        ? [{ identifier: 'payments', role: 'RECEIVER' as const, url: `${base}/payments` }]
        : []),
    ];
  }

  /** PUT of a whole Location to the peer's Locations receiver; answers the HTTP status (200 or 201). */
  async pushLocation(location: SimulatedLocation): Promise<number> {
    return this.push(
      'PUT',
      'locations',
      `/${location.country_code}/${location.party_id}/${location.id}`,
      location,
    );
  }

  /** PATCH of one EVSE's status, as a CPO does when a car plugs in. */
  async pushEvseStatus(locationId: string, evseUid: string, status: string): Promise<number> {
    const lastUpdated = new Date().toISOString();
    const location = this.locations.find((candidate) => candidate.id === locationId);
    const evse = location?.evses.find((candidate) => candidate.uid === evseUid);
    if (location && evse) Object.assign(evse, { status, last_updated: lastUpdated });
    if (location) location.last_updated = lastUpdated;
    return this.push('PATCH', 'locations', `/${this.countryCode}/${this.partyId}/${locationId}/${evseUid}`, {
      status,
      last_updated: lastUpdated,
    });
  }

  async pushTariff(tariff: SimulatedTariff): Promise<number> {
    return this.push('PUT', 'tariffs', `/${tariff.country_code}/${tariff.party_id}/${tariff.id}`, tariff);
  }

  /** POST of a CDR to the peer's CDRs receiver; answers where the peer keeps it (the Location header). */
  async pushCdr(cdr: { id: string }): Promise<string | null> {
    const { tokenForPeer, endpoints, version } = this.registered();
    const endpoint = endpoints.find(
      (candidate) => candidate.identifier === 'cdrs' && candidate.role === 'RECEIVER',
    );
    if (!endpoint) throw new Error('the peer has no cdrs receiver');
    const reply = await this.client.call({
      method: 'POST',
      url: endpoint.url,
      token: tokenForPeer,
      unencodedToken: false,
      correlationId: newUuid(),
      body: cdr,
      described: { version, file: 'cdrs/receiver-interface', path: '/cdrs' },
    });
    return reply.headers.get('location');
  }

  /**
   * The Session a START_SESSION it accepted became, pushed with PUT (the first time) or its progress with
   * PATCH (kwh, status): what the PTP follows to stop at its pre-authorization limit.
   */
  async pushSession(commandIndex: number, progress: { kwh: number; status: string }): Promise<number> {
    const received = this.commandsReceived[commandIndex];
    if (!received || received.command !== 'START_SESSION') throw new Error('no such START_SESSION');
    const body = received.body as {
      token: { country_code: string; party_id: string; uid: string; type: string; contract_id: string };
      location_id: string;
      evse_uid?: string;
      connector_id?: string;
      authorization_reference?: string;
    };
    const id = `SES-${commandIndex + 1}`;
    const lastUpdated = new Date().toISOString();
    const suffix = `/${this.countryCode}/${this.partyId}/${id}`;
    if (this.sessionsPushed.has(id)) {
      return this.push('PATCH', 'sessions', suffix, { ...progress, last_updated: lastUpdated });
    }
    this.sessionsPushed.add(id);
    const { token } = body;
    return this.push('PUT', 'sessions', suffix, {
      country_code: this.countryCode,
      party_id: this.partyId,
      id,
      start_date_time: lastUpdated,
      kwh: progress.kwh,
      cdr_token: {
        country_code: token.country_code,
        party_id: token.party_id,
        uid: token.uid,
        type: token.type,
        contract_id: token.contract_id,
      },
      auth_method: 'COMMAND',
      ...(body.authorization_reference ? { authorization_reference: body.authorization_reference } : {}),
      location_id: body.location_id,
      evse_uid: body.evse_uid ?? `${body.location_id}-EVSE-1`,
      connector_id: body.connector_id ?? '1',
      currency: 'TRY',
      status: progress.status,
      last_updated: lastUpdated,
    });
  }

  /** A call to the peer's Payments sender interface (2.3.0): the PTP owns the terminals. */
  private async payments<T>(method: 'GET' | 'POST' | 'PATCH', suffix: string, body?: unknown) {
    const { tokenForPeer, endpoints } = this.registered();
    const endpoint = endpoints.find(
      (candidate) => candidate.identifier === 'payments' && candidate.role === 'SENDER',
    );
    if (!endpoint) throw new Error('the peer has no payments sender');
    const path = `/payments${suffix.replace(/\?.*$/, '')}`;
    return this.client.call<T>({
      method,
      url: `${endpoint.url}${suffix}`,
      token: tokenForPeer,
      unencodedToken: false,
      correlationId: newUuid(),
      ...(body === undefined ? {} : { body }),
      described: { version: '2.3.0', file: 'payments/sender-interface', path },
    });
  }

  /** Activates a PTP terminal with the reference its OEM gave (for EdgePay: its terminal id). */
  async activateTerminal(reference: string) {
    return (
      await this.payments<Record<string, unknown>>('POST', '/terminals/activate', {
        reference,
        last_updated: new Date().toISOString(),
      })
    ).envelope.data;
  }

  async assignTerminal(terminalId: string, locationIds: string[], evseUids: string[]) {
    const patch = { location_ids: locationIds, evse_uids: evseUids, last_updated: new Date().toISOString() };
    return (await this.payments<Record<string, unknown>>('PATCH', `/terminals/${terminalId}`, patch)).envelope
      .data;
  }

  async deactivateTerminal(terminalId: string): Promise<void> {
    await this.payments('POST', `/terminals/${terminalId}/deactivate`);
  }

  /** One page of the terminal list, with its headers (X-Total-Count, X-Limit, Link). */
  async terminalsPage(query = '') {
    const reply = await this.payments<Record<string, unknown>[]>('GET', `/terminals${query}`);
    return {
      data: reply.envelope.data ?? [],
      link: reply.headers.get('link'),
      total: reply.headers.get('x-total-count'),
      limit: reply.headers.get('x-limit'),
    };
  }

  /** The asynchronous CommandResult, posted to the response_url the command gave. */
  private async postCommandResult(version: OcpiVersion, responseUrl: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { tokenForPeer } = this.registered();
    const path = new URL(responseUrl).pathname;
    await this.client.call({
      method: 'POST',
      url: responseUrl,
      token: tokenForPeer,
      unencodedToken: false,
      correlationId: newUuid(),
      body: { result: this.commandResult },
      described: { version, file: 'commands/sender-interface', path: path.slice(path.indexOf('/commands/')) },
    });
  }

  /** A push to one of the peer's receiver interfaces, with the routing headers. */
  private async push(
    method: 'PUT' | 'PATCH',
    module: string,
    suffix: string,
    body: unknown,
  ): Promise<number> {
    const { tokenForPeer, endpoints, version } = this.registered();
    const endpoint = endpoints.find(
      (candidate) => candidate.identifier === module && candidate.role === 'RECEIVER',
    );
    if (!endpoint) throw new Error(`the peer has no ${module} receiver`);
    const peer = this.peer.roles[0];
    const reply = await this.client.call({
      method,
      url: `${endpoint.url}${suffix}`,
      token: tokenForPeer,
      unencodedToken: false,
      correlationId: newUuid(),
      body,
      described: { version, file: `${module}/receiver-interface`, path: `/${module}${suffix}` },
      ...(peer
        ? {
            headers: routingHeadersTo(
              { countryCode: peer.country_code, partyId: peer.party_id },
              { countryCode: this.countryCode, partyId: this.partyId },
            ),
          }
        : {}),
    });
    return reply.httpStatus;
  }

  /** The sender interfaces: paginated lists (limit, offset, date_from, date_to, a signed Link) and one object. */
  private senderGet(path: string, query: Record<string, string | undefined>) {
    const now = new Date();
    const match = /^\/ocpi\/cpo\/[^/]+\/(locations|tariffs)(?:\/([^/]+))?$/.exec(path);
    if (!match) return { status: 404, body: ocpiFailure(2000, 'Unknown endpoint', now) };
    const all: { id: string; last_updated: string }[] =
      match[1] === 'locations' ? this.locations : this.tariffs;
    const id = match[2];
    if (id !== undefined) {
      const found = all.find((item) => item.id.toLowerCase() === decodeURIComponent(id).toLowerCase());
      return found
        ? { status: 200, body: ocpiSuccess(found, now) }
        : { status: 404, body: ocpiFailure(2003, 'Unknown location', now) };
    }
    try {
      const page = this.paging.read(path, query);
      const { total, items } = pageOf(all, page);
      return {
        status: 200,
        body: ocpiSuccess(items, now),
        headers: this.paging.headers(this.baseUrl, path, page, total),
      };
    } catch (error) {
      if (error instanceof OcpiError)
        return { status: error.httpStatus, body: ocpiFailure(error.statusCode, error.message, now) };
      throw error;
    }
  }

  private async peerEndpoints(
    versionsUrl: string,
    token: string,
    correlationId: string,
    wanted?: OcpiVersion,
  ) {
    const common = { token, unencodedToken: false, correlationId };
    const list = await this.client.call<{ version: string; url: string }[]>({
      ...common,
      method: 'GET',
      url: versionsUrl,
      described: { version: '2.2.1', file: 'versions/interface', path: '/versions' },
    });
    const offered = list.envelope.data ?? [];
    const version = (wanted ? [wanted] : [...this.versions].reverse()).find((candidate) =>
      offered.some((entry) => entry.version === candidate),
    );
    const url = offered.find((entry) => entry.version === version)?.url;
    if (!version || !url) throw new Error('no common OCPI version');
    const details = await this.client.call<{ endpoints: Endpoint[] }>({
      ...common,
      method: 'GET',
      url,
      described: { version, file: 'versions/interface', path: `/versions/${version}` },
    });
    return { version, endpoints: details.envelope.data?.endpoints ?? [] };
  }

  private async credentialsCall(
    method: 'POST' | 'PUT' | 'DELETE',
    endpoints: readonly Endpoint[],
    version: OcpiVersion,
    token: string,
    correlationId: string,
    body?: Credentials,
  ): Promise<Credentials> {
    const url = endpoints.find((endpoint) => endpoint.identifier === 'credentials')?.url;
    if (!url) throw new Error('the peer has no credentials endpoint');
    const reply = await this.client.call<Credentials>({
      method,
      url,
      token,
      unencodedToken: false,
      correlationId,
      ...(body ? { body } : {}),
      described: { version, file: 'credentials/interface', path: '/credentials' },
    });
    return reply.envelope.data as Credentials;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const correlationId = req.headers['x-correlation-id'];
    if (typeof correlationId === 'string') this.seenCorrelationIds.push(correlationId);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        ...headers,
        'Content-Type': 'application/json',
        'X-Request-ID': String(req.headers['x-request-id'] ?? newUuid()),
        'X-Correlation-ID': String(correlationId ?? newUuid()),
      });
      res.end(JSON.stringify(body));
    };
    const now = new Date();
    try {
      const token = tokensOfHeader(req.headers.authorization)?.decoded;
      const registration = token !== undefined && token === this.peer.registrationToken;
      const registered = token !== undefined && token === this.peer.tokenForUs;
      if (!registration && !registered) return answer(401, ocpiFailure(2000, 'Unauthorized', now));
      const path = new URL(req.url ?? '/', this.baseUrl).pathname.replace(/\/$/, '');
      if (path === '/ocpi/cpo/versions' && req.method === 'GET') {
        const data = this.versions.map((version) => ({
          version,
          url: `${this.baseUrl}/ocpi/cpo/versions/${version}`,
        }));
        return answer(200, ocpiSuccess(data, now));
      }
      const details = /^\/ocpi\/cpo\/versions\/(2\.2\.1|2\.3\.0)$/.exec(path);
      if (details && req.method === 'GET' && this.versions.includes(details[1] as OcpiVersion)) {
        const version = details[1] as OcpiVersion;
        return answer(200, ocpiSuccess({ version, endpoints: this.ourEndpoints(version) }, now));
      }
      const credentials = /^\/ocpi\/cpo\/(2\.2\.1|2\.3\.0)\/credentials$/.exec(path);
      if (credentials)
        return await this.credentials(
          req,
          answer,
          credentials[1] as OcpiVersion,
          registered,
          token as string,
          correlationId,
        );
      const command = /^\/ocpi\/cpo\/(2\.2\.1|2\.3\.0)\/commands\/(START_SESSION|STOP_SESSION)$/.exec(path);
      if (command && req.method === 'POST' && registered) {
        const body = (await readBody(req)) as Record<string, unknown>;
        this.commandsReceived.push({ command: command[2] as string, body });
        answer(200, ocpiSuccess({ result: this.commandAnswer, timeout: 30 }, now));
        if (this.commandAnswer === 'ACCEPTED') {
          this.resultsPosted.push(
            this.postCommandResult(command[1] as OcpiVersion, String(body.response_url)),
          );
        }
        return;
      }
      if (
        path === '/ocpi/cpo/2.3.0/payments/financial-advice-confirmations' &&
        req.method === 'POST' &&
        registered
      ) {
        const confirmation = (await readBody(req)) as Record<string, unknown>;
        if (this.financialAdviceOutage > 0) {
          this.financialAdviceOutage -= 1;
          this.financialAdviceRefused += 1;
          // Down before it answers: the connection drops (the official description has no 5xx to send).
          req.socket.destroy();
          return;
        }
        // The same id again (a retry whose answer was lost) replaces, never duplicates.
        const known = this.financialAdviceReceived.findIndex((fac) => fac.id === confirmation.id);
        if (known >= 0) this.financialAdviceReceived[known] = confirmation;
        else this.financialAdviceReceived.push(confirmation);
        return answer(201, ocpiSuccess(undefined, now));
      }
      if (req.method === 'GET' && registered) {
        const served = this.senderGet(
          path,
          Object.fromEntries(new URL(req.url ?? '/', this.baseUrl).searchParams),
        );
        return answer(served.status, served.body, served.headers);
      }
      return answer(404, ocpiFailure(2000, 'Unknown endpoint', now));
    } catch (error) {
      answer(200, ocpiFailure(3001, error instanceof Error ? error.message : 'failed', now));
    }
  }

  /** The gateway registers with us (POST with token A), re-rolls (PUT) or unregisters (DELETE). */
  private async credentials(
    req: IncomingMessage,
    answer: (status: number, body: unknown) => void,
    version: OcpiVersion,
    registered: boolean,
    token: string,
    correlationId: string | string[] | undefined,
  ): Promise<void> {
    const now = new Date();
    if (req.method === 'GET') return answer(200, ocpiSuccess(this.ourCredentials(token), now));
    if (req.method === 'DELETE') {
      if (!registered) return answer(405, ocpiFailure(2000, 'not registered', now));
      this.forgetPeer();
      return answer(200, ocpiSuccess(undefined, now));
    }
    if (req.method !== 'POST' && req.method !== 'PUT')
      return answer(405, ocpiFailure(2000, 'method not allowed', now));
    if ((req.method === 'POST') === registered) {
      return answer(405, ocpiFailure(2000, registered ? 'already registered' : 'not registered', now));
    }
    const body = (await readBody(req)) as Credentials;
    const flow = typeof correlationId === 'string' ? correlationId : newUuid();
    const { endpoints } = await this.peerEndpoints(body.url, body.token, flow, version);
    const tokenC = newCredentialsToken();
    Object.assign(this.peer, {
      registrationToken: undefined,
      tokenForUs: tokenC,
      tokenForPeer: body.token,
      versionsUrl: body.url,
      version,
      endpoints,
      roles: body.roles,
    });
    answer(200, ocpiSuccess(this.ourCredentials(tokenC), now));
  }
}
