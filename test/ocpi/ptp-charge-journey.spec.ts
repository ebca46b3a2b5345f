import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { simulatedCdr } from '../../src/integrations/ocpi-cpo/ocpi-cpo-data';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { CHARGING_SCOPES } from '../http/adhoc-charges.fixtures';
import { authorizedIntent } from '../http/webhooks.fixtures';
import { eventually } from '../support/eventually';
import { ocpiConformance } from '../support/ocpi-conformance';
import { PTP_JOURNEY_ENV, registerWithCpo, startSessionAt } from '../support/ocpi-cpo-peer';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

const SCOPES = [...CHARGING_SCOPES, 'infrastructure:read', 'infrastructure:write'];

/** The CPO's TRF-DC as the merchant's own tariff: 9.50 TRY/kWh, 11.40 with VAT. */
const merchantTariff = {
  currency: 'TRY',
  elements: [{ priceComponents: [{ type: 'ENERGY', price: 9.5, stepSize: 1 }] }],
};

describe('A charge on a station mapped to an OCPI CPO: started, stopped at the limit and confirmed by itself', () => {
  let api: TestGateway;
  let ocpi: OcpiRuntime;
  let cpo: OcpiCpoSimulator;
  let key: string;
  let partyRef: string;
  const conformance = ocpiConformance();

  before(async () => {
    api = await startTestGateway({
      env: {
        ...PTP_JOURNEY_ENV,
        OCPI_FAC_SWEEP_INTERVAL_MS: '200',
      },
      ocpiExchanges: conformance.record,
    });
    ocpi = api.gateway.ocpi as OcpiRuntime;
    cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId: 'CPM', versions: ['2.3.0'], pageLimit: 2 });
    await cpo.listen();
    ({ partyRef } = await registerWithCpo(ocpi, cpo));
    await ocpi.pulls.pullTariffs(partyRef, systemContext(crypto.randomUUID()));
    key = await api.issueKey({ merchantId: 'mer_ocpi_charge', scopes: SCOPES });
    const tariff = await api.request('PUT', '/v1/tariffs/TRF-OCPI', { key, body: merchantTariff });
    assert.equal(tariff.status, 201, JSON.stringify(tariff.body));
  });
  after(async () => {
    await cpo.close();
    await api.close();
  });

  const mapStation = async (stationId: string, body: Record<string, unknown>) => {
    const response = await api.request('POST', '/v1/charging-infrastructure/mappings', {
      key,
      body: { stationId, adapterType: 'ocpi', chargePointId: partyRef, ...body },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as { id: string; adapterType: string };
  };

  const chargeWhen = (id: string, check: (charge: any) => boolean, what: string) =>
    eventually(async () => {
      const response = await api.request('GET', `/v1/adhoc-charges/${id}`, { key });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.ok(check(response.body), `${what}: ${JSON.stringify(response.body)}`);
      return response.body;
    }, 10_000);

  const commandIndex = (command: string, match: (body: Record<string, unknown>) => boolean) =>
    eventually(async () => {
      const index = cpo.commandsReceived.findIndex(
        (received) => received.command === command && match(received.body),
      );
      assert.ok(index >= 0, `the CPO received no ${command} yet`);
      return index;
    });

  it('START_SESSION from the mapping, the sessions drive the charge, STOP_SESSION at the limit, capture, CDR, FAC', async () => {
    await mapStation('ST-OCPI-1', {
      locationId: 'LOC-IST-2',
      connectors: [
        { connectorId: '1', connectorNumber: 1, cpmsConnectorId: '1', evseUid: 'LOC-IST-2-EVSE-1' },
      ],
    });
    const intentId = await authorizedIntent(api, key, 50_000);
    const started = await api.request('POST', '/v1/adhoc-charges/start', {
      key,
      body: { paymentIntentId: intentId, tariffId: 'TRF-OCPI', stationId: 'ST-OCPI-1', connectorId: '1' },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const chargeId = started.body.id as string;

    // The worker's start went to the CPO named by the mapping, with its location and EVSE, not our ids.
    const start = await commandIndex('START_SESSION', (body) => body.authorization_reference === intentId);
    const startBody = cpo.commandsReceived[start]?.body as Record<string, unknown>;
    assert.deepEqual([startBody.location_id, startBody.evse_uid], ['LOC-IST-2', 'LOC-IST-2-EVSE-1']);
    await Promise.all(cpo.resultsPosted);

    // The CPO's sessions feed the charge: active, then its energy priced by the charge's tariff.
    assert.equal(await cpo.pushSession(start, { kwh: 0, status: 'ACTIVE' }), 201);
    await chargeWhen(chargeId, (charge) => charge.status === 'active', 'active');
    assert.equal(await cpo.pushSession(start, { kwh: 20, status: 'ACTIVE' }), 200);
    await chargeWhen(chargeId, (charge) => charge.runningCost?.inclVat === 22_800, 'at 228.00');
    assert.ok(!cpo.commandsReceived.some((received) => received.command === 'STOP_SESSION'));

    // 44 kWh is 501.60 TRY: past 495.00 (the 500.00 held less the margin), so the charge stops itself.
    assert.equal(await cpo.pushSession(start, { kwh: 44, status: 'ACTIVE' }), 200);
    const stop = await commandIndex('STOP_SESSION', (body) => body.session_id === `SES-${start + 1}`);
    assert.ok(stop > start);
    assert.equal(await cpo.pushSession(start, { kwh: 44, status: 'COMPLETED' }), 200);
    const settled = await chargeWhen(chargeId, (charge) => Boolean(charge.settlement), 'settled');
    assert.equal(settled.status, 'completed');
    assert.equal(settled.settlement.amountCaptured, 50_000, 'never more than the authorization');

    // The CDR bills 501.60; 500.00 was captured: the CPO is told PARTIAL_SUCCESS without anyone asking.
    await cpo.pushCdr(
      simulatedCdr({
        countryCode: 'TR',
        partyId: 'CPM',
        id: 'CDR-CHARGE',
        location: cpo.locations[1]!,
        tariffId: 'TRF-DC',
        startAt: new Date('2026-03-02T10:00:00Z'),
        minutes: 60,
        kwh: 44,
        totalCost: { excl_vat: 418, incl_vat: 501.6 },
        authorizationReference: intentId,
      }),
    );
    const fac = await eventually(async () => {
      const found = cpo.financialAdviceReceived.find(
        (candidate) => candidate.authorization_reference === intentId,
      );
      assert.ok(found, 'no Financial Advice Confirmation at the CPO yet');
      return found;
    }, 10_000);
    assert.equal(fac.capture_status_code, 'PARTIAL_SUCCESS');
    assert.deepEqual(fac.total_costs, { before_taxes: 418, taxes: [{ name: 'KDV', amount: 83.6 }] });
    assert.equal(
      cpo.financialAdviceReceived.filter((candidate) => candidate.authorization_reference === intentId)
        .length,
      1,
      'confirmed once',
    );
  });

  it('a mapping without an OCPI location refuses the start, and the intent is released', async () => {
    const mapping = await mapStation('ST-OCPI-NOLOC', {
      connectors: [{ connectorId: '1', connectorNumber: 1 }],
    });
    assert.equal(mapping.adapterType, 'ocpi');
    const test = await api.request('POST', `/v1/charging-infrastructure/mappings/${mapping.id}/test`, {
      key,
    });
    assert.equal(test.status, 422, JSON.stringify(test.body));
    assert.equal(test.body.error.code, 'station_test_unsupported');
    const intentId = await authorizedIntent(api, key, 10_000);
    const started = await api.request('POST', '/v1/adhoc-charges/start', {
      key,
      body: { paymentIntentId: intentId, tariffId: 'TRF-OCPI', stationId: 'ST-OCPI-NOLOC', connectorId: '1' },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const failed = await chargeWhen(started.body.id, (charge) => charge.status === 'failed', 'failed');
    assert.match(JSON.stringify(failed), /ocpi_location_not_mapped/);
    await eventually(async () => {
      const intent = await api.request('GET', `/v1/payment-intents/${intentId}`, { key });
      assert.equal(intent.body.status, 'voided', JSON.stringify(intent.body));
    });
  });

  it('a confirmation the CPO cannot take is retried with backoff until it is delivered, once', async () => {
    const intentId = await authorizedIntent(api, key, 30_000);
    const sent = await startSessionAt(ocpi, partyRef, intentId, 'LOC-IST-1-EVSE-2');
    assert.equal(sent.result, 'ACCEPTED');
    await cpo.pushCdr(
      simulatedCdr({
        countryCode: 'TR',
        partyId: 'CPM',
        id: 'CDR-OUTAGE',
        location: cpo.locations[0]!,
        tariffId: 'TRF-DC',
        startAt: new Date('2026-03-02T12:00:00Z'),
        minutes: 30,
        kwh: 10,
        totalCost: { excl_vat: 95, incl_vat: 114 },
        authorizationReference: intentId,
      }),
    );
    // More dropped posts than one job's calls retry (the client's attempts): the job itself must try again.
    cpo.financialAdviceOutage = 5;
    const captured = await api.request('POST', `/v1/payment-intents/${intentId}/capture`, {
      key,
      body: { amount: 11_400 },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    const fac = await eventually(async () => {
      const found = cpo.financialAdviceReceived.find(
        (candidate) => candidate.authorization_reference === intentId,
      );
      assert.ok(found, `not delivered yet (${cpo.financialAdviceRefused} refused)`);
      return found;
    }, 10_000);
    assert.equal(fac.capture_status_code, 'SUCCESS');
    assert.equal(cpo.financialAdviceRefused, 5);
    const delivered = await eventually(async () => {
      const events = (await api.allEvents()).filter(
        (event) => event.type === 'OcpiFinancialAdviceDelivered' && event.streamName === `ocpi_fac-${fac.id}`,
      );
      assert.equal(events.length, 1);
      return events;
    });
    assert.equal(delivered.length, 1);
  });

  it('every OCPI request sent and answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 10 });
  });
});
