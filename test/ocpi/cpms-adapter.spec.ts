import assert from 'node:assert/strict';
import { CpmsUnavailableError, type CpmsAdapter } from '../../src/integrations/cpms/cpms-adapter';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import { ocpiStationId } from '../../src/ocpi/modules/ocpi-cpms-adapter';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { ocpiConformance } from '../support/ocpi-conformance';
import { registerWithCpo } from '../support/ocpi-cpo-peer';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

/** What the charge workers pass for a charge on the OCPI station (only the charge id matters to OCPI). */
const sessionOf = (chargeId: string) => ({
  chargeId,
  merchantId: 'mer_ocpi',
  stationId: 'ocpi-station',
  connectorId: '1',
  cpmsSessionId: null,
});

describe('An OCPI CPO as a CPMS adapter for charges', () => {
  let api: TestGateway;
  let cpo: OcpiCpoSimulator;
  let adapter: CpmsAdapter;
  let station: string;
  const intents = new Map<string, string>([
    ['ch_1', 'pi_ADAPTER1'],
    ['ch_2', 'pi_ADAPTER2'],
  ]);
  const conformance = ocpiConformance();

  before(async () => {
    api = await startTestGateway({
      env: { OCPI_RETRY_BACKOFF_MS: '10', OCPI_RETRY_ATTEMPTS: '2' },
      ocpiExchanges: conformance.record,
    });
    const ocpi = api.gateway.ocpi as OcpiRuntime;
    cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId: 'CPO', versions: ['2.3.0'] });
    await cpo.listen();
    const { partyRef } = await registerWithCpo(ocpi, cpo);
    station = ocpiStationId(partyRef, 'LOC-IST-1');
    adapter = ocpi.cpmsAdapter(async (chargeId) => intents.get(chargeId));
  });
  after(async () => {
    await cpo.close();
    await api.close();
  });

  it('starts with START_SESSION (the intent as authorization_reference), follows the pushed session, stops with STOP_SESSION', async () => {
    const start = await adapter.startSession({
      chargeId: 'ch_1',
      merchantId: 'mer_ocpi',
      stationId: station,
      connectorId: '1',
      evseId: 'LOC-IST-1-EVSE-1',
    });
    assert.deepEqual(start, { outcome: 'accepted', cpmsSessionId: null });
    assert.equal(cpo.commandsReceived[0]?.body.authorization_reference, 'pi_ADAPTER1');
    await Promise.all(cpo.resultsPosted);
    assert.deepEqual(await adapter.getSession(sessionOf('ch_1')), {
      cpmsSessionId: null,
      status: 'WAITING_TO_START',
    });

    await cpo.pushSession(0, { kwh: 3, status: 'ACTIVE' });
    assert.deepEqual(await adapter.getSession(sessionOf('ch_1')), {
      cpmsSessionId: 'SES-1',
      status: 'STARTED',
    });
    assert.deepEqual(await adapter.stopSession({ ...sessionOf('ch_1'), cpmsSessionId: 'SES-1' }), {
      outcome: 'accepted',
    });
    assert.equal(cpo.commandsReceived[1]?.body.session_id, 'SES-1');
    await cpo.pushSession(0, { kwh: 9, status: 'COMPLETED' });
    assert.deepEqual(await adapter.getSession(sessionOf('ch_1')), {
      cpmsSessionId: 'SES-1',
      status: 'COMPLETE',
    });
  });

  it('a START_SESSION the CPO rejects is refused; a station of no OCPI party is refused; an unknown charge is unknown', async () => {
    cpo.commandAnswer = 'REJECTED';
    const refused = await adapter.startSession({
      chargeId: 'ch_2',
      merchantId: 'mer_ocpi',
      stationId: station,
      connectorId: '1',
      evseId: null,
    });
    assert.deepEqual(refused, { outcome: 'refused', reason: 'START_SESSION REJECTED' });
    assert.deepEqual(await adapter.getSession(sessionOf('ch_2')), { cpmsSessionId: null, status: 'FAILED' });
    cpo.commandAnswer = 'ACCEPTED';
    const notOcpi = await adapter.startSession({
      chargeId: 'ch_2',
      merchantId: 'mer_ocpi',
      stationId: 'station-7',
      connectorId: '1',
      evseId: null,
    });
    assert.equal(notOcpi.outcome, 'refused');
    assert.equal(await adapter.getSession(sessionOf('ch_unknown')), undefined);
  });

  it('a CPO that does not answer is unavailable (the charge job retries)', async () => {
    await cpo.close();
    await assert.rejects(
      adapter.startSession({
        chargeId: 'ch_2',
        merchantId: 'mer_ocpi',
        stationId: station,
        connectorId: '1',
        evseId: null,
      }),
      CpmsUnavailableError,
    );
  });

  it('every OCPI request sent and answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 8 });
  });
});
