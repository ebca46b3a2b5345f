import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { ocpiPartyStreamName } from '../../src/commands/ocpi/ocpi-party.service';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import {
  evolveOcpiPartyDocument,
  type OcpiPartyDocument,
} from '../../src/projections/ocpi/ocpi-party.projection';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import { ocpiCorrelationId } from '../../src/ocpi/credentials/credentials-flows';
import { ocpiConformance } from '../support/ocpi-conformance';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

const OCPI_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

describe('OCPI credentials handshake over HTTP, both directions', () => {
  let api: TestGateway;
  let ocpi: OcpiRuntime;
  let cpo: OcpiCpoSimulator;
  const conformance = ocpiConformance();

  const ocpiGet = (path: string, token: string | undefined, headers: Record<string, string> = {}) =>
    api.request('GET', path, {
      headers: {
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
        ...(token === undefined ? {} : { Authorization: authorizationHeader(token, false) }),
        ...headers,
      },
    });

  before(async () => {
    api = await startTestGateway({
      env: { OCPI_RETRY_BACKOFF_MS: '10', OCPI_COUNTRY_CODE: 'TR', OCPI_PARTY_ID: 'EDG' },
      ocpiExchanges: conformance.record,
    });
    ocpi = api.gateway.ocpi as OcpiRuntime;
    cpo = new OcpiCpoSimulator();
    await cpo.listen();
  });
  after(async () => {
    await cpo.close();
    await api.close();
  });

  it('refuses a missing or unknown token with 401 and status 2000', async () => {
    for (const token of [undefined, 'not-a-token-we-issued']) {
      const answer = await ocpiGet('/ocpi/versions', token);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.status_code, 2000);
      assert.match(answer.body.timestamp, OCPI_TIMESTAMP);
    }
  });

  it('a CPO registers with a token A we issued: A -> B -> C; A is then refused', async () => {
    const issued = await ocpi.parties.issueRegistrationToken(
      { name: 'cpo inbound', acceptsUnencodedTokens: false },
      systemContext('test-issue'),
    );
    const versions = await ocpiGet('/ocpi/versions', issued.token);
    assert.equal(versions.status, 200);
    assert.deepEqual(
      versions.body.data.map((entry: { version: string }) => entry.version),
      ['2.2.1', '2.3.0'],
    );
    assert.ok(versions.headers.get('x-correlation-id'));

    await cpo.registerWith(`${api.url}/ocpi/versions`, issued.token);
    assert.equal(cpo.peer.version, '2.3.0');
    assert.equal(cpo.peer.roles[0]?.party_id, 'EDG');

    assert.equal((await ocpiGet('/ocpi/versions', issued.token)).status, 401, 'token A is thrown away');
    const credentials = await ocpiGet('/ocpi/2.3.0/credentials', cpo.peer.tokenForPeer as string);
    assert.equal(credentials.status, 200);
    assert.equal(credentials.body.data.token, cpo.peer.tokenForPeer);

    const { state } = await ocpi.parties.load(issued.partyRef);
    assert.equal(state.status, 'registered');
    assert.ok(state.status === 'registered' && state.connection.roles[0]?.countryCode === 'NL');
    // The flow kept the CPO's correlation id when we fetched its versions while handling its POST.
    assert.ok(cpo.seenCorrelationIds.length >= 2);

    // POST again: already registered.
    const again = await api.request('POST', '/ocpi/2.3.0/credentials', {
      headers: {
        Authorization: authorizationHeader(cpo.peer.tokenForPeer as string, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
      body: { token: 'x'.repeat(20), url: cpo.versionsUrl, roles: [] },
    });
    assert.equal(again.status, 405);
    assert.equal(again.body.status_code, 2000);

    // The CPO re-rolls with PUT: the old token C stops working, the new one works.
    const oldToken = cpo.peer.tokenForPeer as string;
    await cpo.reroll();
    assert.notEqual(cpo.peer.tokenForPeer, oldToken);
    assert.equal((await ocpiGet('/ocpi/2.3.0/credentials', oldToken)).status, 401);
    assert.equal((await ocpiGet('/ocpi/2.3.0/credentials', cpo.peer.tokenForPeer as string)).status, 200);

    // DELETE unregisters: the token is refused afterwards.
    const lastToken = cpo.peer.tokenForPeer as string;
    await cpo.unregister();
    assert.equal((await ocpiGet('/ocpi/versions', lastToken)).status, 401);
    const finalState = await ocpi.parties.load(issued.partyRef);
    assert.equal(finalState.state.status, 'unregistered');
  });

  it('answers 405 to PUT and DELETE before registration, and 400/2001 to a credentials object the description refuses', async () => {
    const issued = await ocpi.parties.issueRegistrationToken(
      { name: 'cpo early', acceptsUnencodedTokens: false },
      systemContext('test-issue-2'),
    );
    const headers = {
      Authorization: authorizationHeader(issued.token, false),
      'X-Request-ID': crypto.randomUUID(),
      'X-Correlation-ID': crypto.randomUUID(),
    };
    const body = {
      token: 'b'.repeat(30),
      url: cpo.versionsUrl,
      roles: [{ role: 'CPO', business_details: { name: 'x' }, party_id: 'ABC', country_code: 'NL' }],
    };
    assert.equal((await api.request('PUT', '/ocpi/2.2.1/credentials', { headers, body })).status, 405);
    assert.equal((await api.request('DELETE', '/ocpi/2.2.1/credentials', { headers })).status, 405);
    const refused = await api.request('POST', '/ocpi/2.2.1/credentials', {
      headers,
      body: { token: 'b', url: 'nope' },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.status_code, 2001);
    const notJson = await api.request('POST', '/ocpi/2.2.1/credentials', { headers, rawBody: '{"token":' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.status_code, 2001);
    // A POST whose versions URL answers nothing usable: 3001, in an OCPI answer.
    const unusable = await api.request('POST', '/ocpi/2.2.1/credentials', {
      headers,
      body: { ...body, url: `${cpo.versionsUrl}/nothing-here` },
    });
    assert.equal(unusable.status, 200);
    assert.equal(unusable.body.status_code, 3001);
  });

  it('accepts the unencoded token only from a party registered with that setting', async () => {
    const legacy = await ocpi.parties.issueRegistrationToken(
      { name: 'legacy 2.1 peer', acceptsUnencodedTokens: true },
      systemContext('test-legacy'),
    );
    const modern = await ocpi.parties.issueRegistrationToken(
      { name: 'modern peer', acceptsUnencodedTokens: false },
      systemContext('test-modern'),
    );
    const raw = (token: string) => ({ Authorization: `Token ${token}` });
    assert.equal((await ocpiGet('/ocpi/versions', undefined, raw(legacy.token))).status, 200);
    assert.equal((await ocpiGet('/ocpi/versions', undefined, raw(modern.token))).status, 401);
    assert.equal((await ocpiGet('/ocpi/versions', modern.token)).status, 200);
  });

  it('we register with a CPO given its versions URL and token A, re-roll, and unregister', async () => {
    const tokenA = cpo.issueRegistrationToken();
    const context = systemContext('test-register-outbound');
    const registered = await ocpi.credentials.registerWith(
      { versionsUrl: cpo.versionsUrl, token: tokenA, name: 'simulated cpo', acceptsUnencodedTokens: false },
      context,
    );
    assert.equal(registered.version, '2.3.0');
    assert.deepEqual(
      registered.roles.map((role) => `${role.countryCode}/${role.partyId}/${role.role}`),
      ['NL/CPO/CPO'],
    );
    const ourTokenB = cpo.peer.tokenForPeer as string;
    assert.ok(ourTokenB && cpo.peer.tokenForUs);
    assert.equal(
      (await ocpiGet('/ocpi/2.3.0/credentials', ourTokenB)).status,
      200,
      'the CPO reaches us with our token B',
    );
    assert.ok(
      cpo.seenCorrelationIds.includes(ocpiCorrelationId(context)),
      'one correlation id across the flow',
    );

    const theirTokenC = cpo.peer.tokenForUs as string;
    await ocpi.credentials.rerollWith(registered.partyRef, systemContext('test-reroll'));
    assert.notEqual(cpo.peer.tokenForUs, theirTokenC, 'they issued a new token C');
    assert.notEqual(cpo.peer.tokenForPeer, ourTokenB, 'we sent a new token B');
    assert.equal((await ocpiGet('/ocpi/2.3.0/credentials', ourTokenB)).status, 401);
    assert.equal((await ocpiGet('/ocpi/2.3.0/credentials', cpo.peer.tokenForPeer as string)).status, 200);

    const lastTokenB = cpo.peer.tokenForPeer as string;
    await ocpi.credentials.unregisterFrom(registered.partyRef, systemContext('test-unregister'));
    assert.equal(cpo.peer.tokenForUs, undefined, 'the CPO forgot us');
    assert.equal((await ocpiGet('/ocpi/versions', lastTokenB)).status, 401);
  });

  it('refuses a second party claiming a country code + party id another holds (400/2001), until it lets go', async () => {
    const first = await ocpi.credentials.registerWith(
      {
        versionsUrl: cpo.versionsUrl,
        token: cpo.issueRegistrationToken(),
        name: 'first',
        acceptsUnencodedTokens: false,
      },
      systemContext('test-claim-first'),
    );
    const impostor = new OcpiCpoSimulator();
    await impostor.listen();
    try {
      const issued = await ocpi.parties.issueRegistrationToken(
        { name: 'same NL CPO', acceptsUnencodedTokens: false },
        systemContext('test-claim-second'),
      );
      await assert.rejects(impostor.registerWith(`${api.url}/ocpi/versions`, issued.token), /2001/);
      const { state } = await ocpi.parties.load(issued.partyRef);
      assert.notEqual(state.status, 'registered');

      await ocpi.credentials.unregisterFrom(first.partyRef, systemContext('test-claim-release'));
      await impostor.registerWith(`${api.url}/ocpi/versions`, issued.token);
      assert.equal((await ocpi.parties.load(issued.partyRef)).state.status, 'registered');
      await impostor.unregister();
    } finally {
      await impostor.close();
    }
    const claims = (await api.allEvents()).filter((event) => event.streamName === 'ocpi_party_id-NL-CPO');
    assert.ok(claims.length >= 4, 'each claim and release is an event');
    assert.deepEqual(
      claims.slice(-4).map((event) => event.type),
      ['OcpiPartyIdClaimed', 'OcpiPartyIdReleased', 'OcpiPartyIdClaimed', 'OcpiPartyIdReleased'],
    );
  });

  it('keeps parties and credentials changes as events with their actor, replayable into the read model, with no token in clear', async () => {
    const events = await api.allEvents();
    const ocpiEvents = events.filter((event) => event.streamName.startsWith('ocpi_party-'));
    const types = new Set(ocpiEvents.map((event) => event.type));
    for (const type of [
      'OcpiRegistrationTokenIssued',
      'OcpiOutboundRegistrationStarted',
      'OcpiPartyRegistered',
      'OcpiCredentialsUpdateStarted',
      'OcpiCredentialsUpdated',
      'OcpiPartyUnregistered',
    ]) {
      assert.ok(types.has(type), `${type} recorded`);
    }
    const byPeer = ocpiEvents.filter((event) => event.metadata.actor.kind === 'ocpi_party');
    assert.ok(byPeer.length >= 3, 'what a peer did names the peer as actor');

    const serialized = JSON.stringify(ocpiEvents.map((event) => event.data));
    for (const token of [cpo.peer.tokenForPeer, cpo.peer.tokenForUs].filter(Boolean)) {
      assert.ok(!serialized.includes(token as string));
    }

    const streams = new Set(ocpiEvents.map((event) => event.streamName));
    const parties = api.gateway.infrastructure.readStore.collection<OcpiPartyDocument>('ocpi_parties');
    for (const stream of streams) {
      const replayed = ocpiEvents
        .filter((event) => event.streamName === stream)
        .reduce<OcpiPartyDocument | null>((doc, event) => evolveOcpiPartyDocument(doc, event), null);
      const partyRef = stream.slice('ocpi_party-'.length);
      assert.equal(stream, ocpiPartyStreamName(partyRef));
      const stored = await parties.findOne({ _id: partyRef });
      assert.deepEqual(
        { ...stored, _position: undefined },
        { ...replayed, _position: undefined },
        `${stream} replays to its read model`,
      );
    }
  });

  it('every OCPI request sent and answer given matches the official description (test/fixtures)', () => {
    conformance.assertConforming({ minimum: 20 });
    assert.ok(conformance.exchanges.some((exchange) => exchange.direction === 'outbound'));
    assert.ok(conformance.exchanges.some((exchange) => exchange.direction === 'inbound'));
  });
});
