import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { ocpiSessionRef } from '../../src/ocpi/modules/sessions-receiver';
import { authorizedIntent } from '../http/webhooks.fixtures';
import { ocpiConformance } from '../support/ocpi-conformance';
import { startSessionAt } from '../support/ocpi-cpo-peer';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('OCPI commands as sender: START_SESSION with our payment intent, STOP_SESSION, CommandResult', () => {
  let api: TestGateway;
  let ocpi: OcpiRuntime;
  const conformance = ocpiConformance();
  const simulators: OcpiCpoSimulator[] = [];

  /** A CPO offering these versions, registered with us; answers its party reference. */
  const registeredCpo = async (versions: ('2.2.1' | '2.3.0')[]) => {
    // One party per country code + party id: each simulator is another CPO.
    const partyId = `CP${simulators.length}`;
    const cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId, versions });
    simulators.push(cpo);
    await cpo.listen();
    const issued = await ocpi.parties.issueRegistrationToken(
      { name: 'cpo', acceptsUnencodedTokens: false },
      systemContext('t'),
    );
    await cpo.registerWith(`${api.url}/ocpi/versions`, issued.token);
    return { cpo, partyRef: issued.partyRef, partyId };
  };

  before(async () => {
    api = await startTestGateway({ env: { OCPI_RETRY_BACKOFF_MS: '10' }, ocpiExchanges: conformance.record });
    ocpi = api.gateway.ocpi as OcpiRuntime;
  });
  after(async () => {
    for (const cpo of simulators) await cpo.close();
    await api.close();
  });

  for (const version of ['2.3.0', '2.2.1'] as const) {
    it(`${version}: START_SESSION carries the intent as authorization_reference; the CommandResult lands on our response_url`, async () => {
      const { cpo, partyRef } = await registeredCpo([version]);
      const key = await api.issueKey({ merchantId: 'mer_cmd' });
      const intentId = await authorizedIntent(api, key, 40_000);
      const sent = await startSessionAt(ocpi, partyRef, intentId, 'LOC-IST-1-EVSE-1');
      assert.equal(sent.result, 'ACCEPTED');
      const received = cpo.commandsReceived[0]!;
      assert.equal(received.command, 'START_SESSION');
      assert.equal(received.body.authorization_reference, intentId);
      const responseUrl = String(received.body.response_url);
      assert.ok(
        responseUrl.endsWith(
          version === '2.2.1' ? `/START_SESSION/${sent.commandRef}` : `/commands/${sent.commandRef}`,
        ),
        responseUrl,
      );
      await Promise.all(cpo.resultsPosted);
      const { state } = await ocpi.commands.load(sent.commandRef);
      assert.ok(state.status === 'requested' && state.answer === 'ACCEPTED' && state.result === 'ACCEPTED');
    });
  }

  it('the CPO pushes the session START_SESSION became (PUT, then PATCH of kwh and status); STOP_SESSION names it', async () => {
    const { cpo, partyRef, partyId } = await registeredCpo(['2.3.0']);
    const key = await api.issueKey({ merchantId: 'mer_cmd' });
    const intentId = await authorizedIntent(api, key, 40_000);
    await ocpi.commands.startSession(
      { partyRef, paymentIntentId: intentId, locationId: 'LOC-IST-1' },
      systemContext(crypto.randomUUID()),
    );
    assert.equal(await cpo.pushSession(0, { kwh: 0, status: 'PENDING' }), 201);
    assert.equal(await cpo.pushSession(0, { kwh: 12.5, status: 'ACTIVE' }), 200);
    const { state } = await ocpi.sessions.load(ocpiSessionRef('TR', partyId, 'SES-1'));
    assert.ok(state.status === 'stored');
    assert.deepEqual(
      [state.session.kwh, state.session.status, state.session.authorization_reference],
      [12.5, 'ACTIVE', intentId],
    );
    const stored = (await api.allEvents()).filter((event) => event.type === 'OcpiSessionStored');
    assert.equal(stored.length, 2);
    const stop = await ocpi.commands.stopSession(
      { partyRef, sessionId: 'SES-1' },
      systemContext(crypto.randomUUID()),
    );
    assert.equal(stop.result, 'ACCEPTED');
    assert.equal(cpo.commandsReceived[1]?.body.session_id, 'SES-1');
  });

  it('a STOP_SESSION the CPO rejects has an answer and no result', async () => {
    const { cpo, partyRef } = await registeredCpo(['2.3.0']);
    cpo.commandAnswer = 'UNKNOWN_SESSION';
    const sent = await ocpi.commands.stopSession(
      { partyRef, sessionId: 'SES-NOPE' },
      systemContext(crypto.randomUUID()),
    );
    assert.equal(sent.result, 'UNKNOWN_SESSION');
    const { state } = await ocpi.commands.load(sent.commandRef);
    assert.ok(state.status === 'requested' && state.result === null);
  });

  it("answers 400/2001 to a CommandResult for a command that is not the caller's (the description has no 404 there)", async () => {
    const first = await registeredCpo(['2.3.0']);
    const other = await registeredCpo(['2.3.0']);
    const sent = await ocpi.commands.stopSession(
      { partyRef: first.partyRef, sessionId: 'SES-1' },
      systemContext(crypto.randomUUID()),
    );
    await Promise.all(first.cpo.resultsPosted);
    const answer = await api.request('POST', `/ocpi/2.3.0/sender/commands/${sent.commandRef}`, {
      body: { result: 'FAILED' },
      headers: {
        Authorization: authorizationHeader(other.cpo.peer.tokenForPeer as string, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.status_code, 2001);
  });

  it('every OCPI request sent and answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 10 });
    assert.ok(conformance.exchanges.some((exchange) => exchange.file === 'commands/sender-interface'));
    assert.ok(conformance.exchanges.some((exchange) => exchange.file === 'commands/receiver-interface'));
  });
});
