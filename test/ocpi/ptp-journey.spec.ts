import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { simulatedCdr } from '../../src/integrations/ocpi-cpo/ocpi-cpo-data';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import { ocpiTariffOwner } from '../../src/ocpi/modules/tariffs-receiver';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { authorizeBody, createBody } from '../http/payment-intents.fixtures';
import { operatorKey, registerTerminal } from '../http/terminals.fixtures';
import { ocpiConformance } from '../support/ocpi-conformance';
import { PTP_JOURNEY_ENV, registerWithCpo, startSessionAt } from '../support/ocpi-cpo-peer';
import { eventually } from '../support/eventually';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('A PTP journey against the CPO simulator, over HTTP both ways', () => {
  let api: TestGateway;
  let ocpi: OcpiRuntime;
  let cpo: OcpiCpoSimulator;
  const conformance = ocpiConformance();

  before(async () => {
    api = await startTestGateway({
      env: PTP_JOURNEY_ENV,
      ocpiExchanges: conformance.record,
    });
    ocpi = api.gateway.ocpi as OcpiRuntime;
    cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId: 'CPO', versions: ['2.3.0'], pageLimit: 2 });
    await cpo.listen();
  });
  after(async () => {
    await cpo.close();
    await api.close();
  });

  it('register, pull, activate, pre-authorize, START_SESSION, sessions, STOP_SESSION, CDR reconciled, capture, FAC at the CPO', async () => {
    // We register with the CPO (its token A), and pull its locations and tariffs.
    const { partyRef } = await registerWithCpo(ocpi, cpo);
    assert.deepEqual(await ocpi.pulls.pullLocations(partyRef, systemContext(crypto.randomUUID())), {
      stored: 3,
      skipped: 0,
    });
    await ocpi.pulls.pullTariffs(partyRef, systemContext(crypto.randomUUID()));
    const tariff = await ocpi.tariffs.load(ocpiTariffOwner('TR', 'CPO'), 'TRF-DC');
    const preauthorize = tariff.definition.preauthorizeAmount as number;
    assert.equal(preauthorize, 50_000, 'the tariff asks 500.00 TRY up front');

    // Our terminal, activated and assigned by the CPO.
    const key = await operatorKey(api, 'mer_ptp');
    const { terminal } = await registerTerminal(api, key, 'SN-JOURNEY');
    await cpo.activateTerminal(terminal.id as string);
    await cpo.assignTerminal(terminal.id as string, ['LOC-IST-1'], ['LOC-IST-1-EVSE-1']);

    // Pre-authorize the tariff's amount at the terminal.
    const created = await api.request('POST', '/v1/payment-intents', { key, body: createBody(preauthorize) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const intentId = created.body.id as string;
    const authorized = await api.request('POST', `/v1/payment-intents/${intentId}/authorize`, {
      key,
      body: authorizeBody(preauthorize),
    });
    assert.equal(authorized.status, 200, JSON.stringify(authorized.body));

    // START_SESSION with the intent as authorization_reference; the CPO's result lands on our response_url.
    const start = await startSessionAt(ocpi, partyRef, intentId, 'LOC-IST-1-EVSE-1');
    assert.equal(start.result, 'ACCEPTED');
    await Promise.all(cpo.resultsPosted);

    // The session, pushed as it goes; we stop it (here at 20 kWh, 228.00 TRY, within the 500.00 held).
    assert.equal(await cpo.pushSession(0, { kwh: 0, status: 'PENDING' }), 201);
    assert.equal(await cpo.pushSession(0, { kwh: 20, status: 'ACTIVE' }), 200);
    const stop = await ocpi.commands.stopSession(
      { partyRef, sessionId: 'SES-1' },
      systemContext(crypto.randomUUID()),
    );
    assert.equal(stop.result, 'ACCEPTED');
    assert.equal(await cpo.pushSession(0, { kwh: 20, status: 'COMPLETED' }), 200);

    // The CDR: priced again by us, the same 228.00.
    await cpo.pushCdr(
      simulatedCdr({
        countryCode: 'TR',
        partyId: 'CPO',
        id: 'CDR-JOURNEY',
        location: cpo.locations[0]!,
        tariffId: 'TRF-DC',
        startAt: new Date('2026-03-02T10:00:00Z'),
        minutes: 40,
        kwh: 20,
        totalCost: { excl_vat: 190, incl_vat: 228 },
        authorizationReference: intentId,
      }),
    );
    const received = (await api.allEvents()).find((event) => event.type === 'OcpiCdrReceived');
    const costs = received?.data as { theirCost: { inclVat: number }; ourCost: { inclVat: number } };
    assert.deepEqual([costs.theirCost.inclVat, costs.ourCost.inclVat], [22_800, 22_800]);
    assert.ok(!(await api.allEvents()).some((event) => event.type === 'OcpiCdrCostMismatched'));

    // Capture what the CDR says; the process manager confirms it to the CPO by itself.
    const captured = await api.request('POST', `/v1/payment-intents/${intentId}/capture`, {
      key,
      body: { amount: 22_800 },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    const atCpo = await eventually(async () => {
      const fac = cpo.financialAdviceReceived.find(
        (candidate) =>
          (candidate as { authorization_reference?: string }).authorization_reference === intentId,
      );
      assert.ok(fac, 'the CPO received no Financial Advice Confirmation yet');
      return fac as Record<string, unknown>;
    });
    assert.equal(atCpo.capture_status_code, 'SUCCESS');
    assert.deepEqual(atCpo.total_costs, { before_taxes: 190, taxes: [{ name: 'KDV', amount: 38 }] });
    assert.ok(!JSON.stringify(atCpo).match(/\d{13,19}/), 'no card number in EFT data');

    // And on our sender interface.
    const listed = await api.request('GET', '/ocpi/2.3.0/sender/payments/financial-advice-confirmations', {
      headers: {
        Authorization: authorizationHeader(cpo.peer.tokenForPeer as string, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
    });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      listed.body.data.map((fac: { authorization_reference: string }) => fac.authorization_reference),
      [intentId],
    );
  });

  it('every OCPI request sent and answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 20 });
  });
});
