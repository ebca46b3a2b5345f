import assert from 'node:assert/strict';
import { CpmsUnavailableError, type CpmsAdapter } from '../../../src/integrations/cpms/cpms-adapter';
import { CpmsSimulator } from '../../../src/integrations/cpms/simulator/cpms-simulator';
import { simulatorCpmsClient } from '../../../src/integrations/cpms/simulator-cpms-client';
import { eventually } from '../../support/eventually';

const request = (chargeId: string, stationId = 'ST-1') => ({
  chargeId,
  merchantId: 'mer_test',
  stationId,
  connectorId: '1',
  evseId: null,
});

const session = (chargeId: string, stationId = 'ST-1') => ({
  chargeId,
  merchantId: 'mer_test',
  stationId,
  connectorId: '1',
  cpmsSessionId: null,
});

describe('CPMS port: the simulator client against the simulator, over HTTP', () => {
  const simulator = new CpmsSimulator({ token: 'simulator-test-token-123' });
  let cpms: CpmsAdapter;
  let url: string;

  before(async () => {
    url = await simulator.listen();
    simulator.configure({ confirmDelayMs: 10, stopDelayMs: 10 });
    cpms = simulatorCpmsClient({ baseUrl: url, token: 'simulator-test-token-123', timeoutMs: 2000 });
  });
  after(() => simulator.close());

  it('starts asynchronously: WAITING_TO_START, then STARTED; a repeated start names the same session', async () => {
    const first = await cpms.startSession(request('ch_a'));
    const again = await cpms.startSession(request('ch_a'));
    assert.equal(first.outcome, 'accepted');
    assert.deepEqual(again, first);
    await eventually(async () => assert.equal((await cpms.getSession(session('ch_a')))?.status, 'STARTED'));
    assert.deepEqual(
      simulator.calls('ch_a').map((call) => call.kind),
      ['start', 'start'],
    );
  });

  it('stops: WAITING_TO_STOP, then STOPPED, or STOP_FAILED when the station is configured to fail', async () => {
    simulator.configure({ stop: 'fail' }, 'ST-FAIL');
    for (const [chargeId, stationId, expected] of [
      ['ch_b', 'ST-1', 'STOPPED'],
      ['ch_c', 'ST-FAIL', 'STOP_FAILED'],
    ] as const) {
      await cpms.startSession(request(chargeId, stationId));
      await eventually(async () =>
        assert.equal((await cpms.getSession(session(chargeId)))?.status, 'STARTED'),
      );
      assert.deepEqual(await cpms.stopSession(session(chargeId)), { outcome: 'accepted' });
      await eventually(async () =>
        assert.equal((await cpms.getSession(session(chargeId)))?.status, expected),
      );
    }
  });

  it('refuses a start when the station is configured to, with a reason', async () => {
    simulator.configure({ start: 'refuse' }, 'ST-BUSY');
    const result = await cpms.startSession(request('ch_d', 'ST-BUSY'));
    assert.deepEqual(result, { outcome: 'refused', reason: 'connector 1 is not available' });
    assert.equal(await cpms.getSession(session('ch_d')), undefined);
  });

  it('never confirms when configured so; a stop then cancels the start', async () => {
    simulator.configure({ start: 'never_confirm' }, 'ST-MUTE');
    await cpms.startSession(request('ch_e', 'ST-MUTE'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await cpms.getSession(session('ch_e')))?.status, 'WAITING_TO_START');
    await cpms.stopSession(session('ch_e'));
    assert.equal((await cpms.getSession(session('ch_e')))?.status, 'STOPPED');
  });

  it('treats an unknown session as nothing to stop', async () => {
    assert.equal(await cpms.getSession(session('ch_unknown')), undefined);
    assert.deepEqual(await cpms.stopSession(session('ch_unknown')), {
      outcome: 'accepted',
    });
  });

  it('reports a wrong credential or an unreachable CPMS as unavailable (the job retries)', async () => {
    const wrongToken = simulatorCpmsClient({ baseUrl: url, token: 'not-the-token-at-all', timeoutMs: 2000 });
    await assert.rejects(wrongToken.startSession(request('ch_f')), CpmsUnavailableError);
    const nobody = simulatorCpmsClient({ baseUrl: 'http://127.0.0.1:9', token: 'x', timeoutMs: 500 });
    await assert.rejects(nobody.getSession(session('ch_f')), CpmsUnavailableError);
    await assert.rejects(nobody.ping(), CpmsUnavailableError);
    await cpms.ping();
  });
});
