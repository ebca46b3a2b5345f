import assert from 'node:assert/strict';
import { CpmsUnavailableError } from '../../../../src/integrations/cpms/cpms-adapter';
import { corpayAdapterFactory } from '../../../../src/integrations/cpms/corpay/corpay-adapter';
import { CorpaySimulator } from '../../../../src/integrations/cpms/corpay/simulator/corpay-simulator';
import { DEFAULT_CORPAY_BEHAVIOUR } from '../../../../src/integrations/cpms/corpay/simulator/corpay-simulator-state';
import type { CpmsCallError } from '../../../../src/integrations/cpms/http/cpms-call-error';
import type { CpmsTarget, StationAdapter } from '../../../../src/integrations/cpms/station-adapter';
import { eventually } from '../../../support/eventually';
import { adapterDeps, corpaySettings, requestsCounted } from '../support/adapter-fixtures';

const credentials = { clientId: 'edgepay-corpay-client', clientSecret: 'client-secret-corpay-0001' };

let counter = 0;
const nextCharge = () => `ch_corpay_${process.pid}_${(counter += 1)}`;

describe('Corpay adapter against the Corpay simulator, over HTTP', () => {
  const simulator = new CorpaySimulator({ ...credentials, tokenLifetimeSeconds: 300 });
  let url: string;
  let adapter: StationAdapter;
  let fixture: ReturnType<typeof adapterDeps>;

  before(async () => {
    url = await simulator.listen();
  });
  after(() => simulator.close());
  beforeEach(() => {
    simulator.configure({
      ...DEFAULT_CORPAY_BEHAVIOUR,
      startConfirmDelayMs: 30,
      stopDelayMs: 20,
      powerKw: 3600,
    });
    simulator.faults.clear();
    fixture = adapterDeps();
    adapter = corpayAdapterFactory(corpaySettings(url, credentials), fixture.deps);
  });
  afterEach(() => adapter.close());

  const connector = (): CpmsTarget => {
    const cpmsConnectorId = `DE*CPY*E${(counter += 1)}`;
    simulator.addConnector(cpmsConnectorId);
    return { chargePointId: `CP-${counter}`, connectorNumber: 1, cpmsConnectorId };
  };

  const startedSession = async (target: CpmsTarget, chargeId = nextCharge()) => {
    const result = await adapter.startSession({ chargeId, target });
    assert.equal(result.outcome, 'accepted');
    return { chargeId, target, cpmsSessionId: result.outcome === 'accepted' ? result.cpmsSessionId : null };
  };

  it('starts (WAITING_TO_START, then STARTED with growing energy), stops (WAITING_TO_STOP), then COMPLETE', async () => {
    simulator.configure({ startConfirmDelayMs: 400 });
    const request = await startedSession(connector());
    assert.equal((await adapter.getSession(request))?.status, 'WAITING_TO_START');
    await eventually(async () => assert.equal((await adapter.getSession(request))?.status, 'STARTED'));
    await eventually(async () => assert.ok(((await adapter.getSession(request))?.energyWh ?? 0) > 0));
    assert.deepEqual(await adapter.stopSession(request), { outcome: 'accepted' });
    await eventually(async () => assert.equal((await adapter.getSession(request))?.status, 'COMPLETE'));
    const finished = await adapter.getSession(request);
    assert.ok((finished?.energyWh ?? 0) > 0);
    assert.deepEqual(
      await adapter.stopSession(request),
      { outcome: 'accepted' },
      'a repeated stop is accepted',
    );
    assert.equal(simulator.requests(/\/stop$/).length, 1);
  });

  it('answers a busy connector (second start within 60 s), a refused start and an unmapped connector with refusals', async () => {
    const target = connector();
    await startedSession(target);
    const busy = await adapter.startSession({ chargeId: nextCharge(), target });
    assert.equal(busy.outcome, 'refused');
    assert.match(busy.outcome === 'refused' ? busy.reason : '', /^connector_busy/);

    simulator.configure({ start: 'refuse' });
    const refused = await adapter.startSession({ chargeId: nextCharge(), target: connector() });
    assert.match(refused.outcome === 'refused' ? refused.reason : '', /^start_refused/);

    const { cpmsConnectorId: _omitted, ...unmapped } = connector();
    const noConnector = await adapter.startSession({ chargeId: nextCharge(), target: unmapped });
    assert.match(noConnector.outcome === 'refused' ? noConnector.reason : '', /^connector_not_mapped/);
  });

  it('reports FAILED for a start the charger gives up on, and stays WAITING_TO_START for one it never confirms', async () => {
    simulator.configure({ start: 'fail' });
    const failed = await startedSession(connector());
    await eventually(async () => assert.equal((await adapter.getSession(failed))?.status, 'FAILED'));
    simulator.configure({ start: 'never' });
    const waiting = await startedSession(connector());
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await adapter.getSession(waiting))?.status, 'WAITING_TO_START');
  });

  it('does not let a long STOP_FAILED block the next driver on the connector', async () => {
    simulator.configure({ stop: 'fail', busyWindowMs: 100 });
    const target = connector();
    const first = await startedSession(target);
    await eventually(async () => assert.equal((await adapter.getSession(first))?.status, 'STARTED'));
    await adapter.stopSession(first);
    await eventually(async () => assert.equal((await adapter.getSession(first))?.status, 'STOP_FAILED'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    await startedSession(target);
  });

  it('on a 401 mid-session fetches one new token and succeeds; concurrent calls share that one refresh', async () => {
    const request = await startedSession(connector());
    const issued = simulator.issuedTokens;
    simulator.revokeTokens();
    const views = await Promise.all(Array.from({ length: 5 }, () => adapter.getSession(request)));
    assert.ok(views.every((view) => view?.cpmsSessionId === request.cpmsSessionId));
    assert.equal(simulator.issuedTokens, issued + 1);
    // A stop (a POST never repeated otherwise) is sent once more after a 401: the CPMS did not act on it.
    await eventually(async () => assert.equal((await adapter.getSession(request))?.status, 'STARTED'));
    simulator.revokeTokens();
    assert.deepEqual(await adapter.stopSession(request), { outcome: 'accepted' });
    assert.equal(simulator.issuedTokens, issued + 2);
  });

  it('asks for one token when several first calls need one at the same moment', async () => {
    const request = await startedSession(connector());
    const fresh = corpayAdapterFactory(corpaySettings(url, credentials), adapterDeps().deps);
    const issued = simulator.issuedTokens;
    await Promise.all(Array.from({ length: 5 }, () => fresh.getSession(request)));
    assert.equal(simulator.issuedTokens, issued + 1);
  });

  it('refreshes a token before it expires instead of waiting for a 401, and shows its expiry in health()', async () => {
    const shortLived = new CorpaySimulator({ ...credentials, tokenLifetimeSeconds: 1 });
    const shortUrl = await shortLived.listen();
    try {
      shortLived.addConnector('E1');
      const quick = corpayAdapterFactory(corpaySettings(shortUrl, credentials), adapterDeps().deps);
      const started = await quick.startSession({
        chargeId: nextCharge(),
        target: { chargePointId: 'CP', connectorNumber: 1, cpmsConnectorId: 'E1' },
      });
      const expiresAt = quick.health().tokenExpiresAt;
      assert.ok(expiresAt && Date.parse(expiresAt) > Date.now());
      await new Promise((resolve) => setTimeout(resolve, 950));
      await quick.getSession({
        chargeId: 'x',
        target: { chargePointId: 'CP', connectorNumber: 1 },
        cpmsSessionId: started.outcome === 'accepted' ? started.cpmsSessionId : null,
      });
      assert.equal(shortLived.issuedTokens, 2);
      assert.equal(shortLived.unauthorizedCalls, 0);
      assert.notEqual(quick.health().tokenExpiresAt, expiresAt);
    } finally {
      await shortLived.close();
    }
  });

  it('throws CpmsUnavailableError on a 5xx to a start without repeating the POST; repeats a GET', async () => {
    const target = connector();
    const startsBefore = simulator.requests(/^POST \/sessions\/start$/).length;
    simulator.faults.failNext(1, { kind: 'status', status: 500 }, /^\/sessions\/start$/);
    await assert.rejects(adapter.startSession({ chargeId: nextCharge(), target }), CpmsUnavailableError);
    assert.equal(
      simulator.requests(/^POST \/sessions\/start$/).length,
      startsBefore + 1,
      'sent once, not repeated',
    );
    const request = await startedSession(target);
    simulator.faults.failNext(2, { kind: 'status', status: 503 }, /^\/sessions\/[^/]+$/);
    assert.ok(await adapter.getSession(request));
    assert.equal(
      await requestsCounted(fixture.registry, {
        adapter: 'corpay',
        operation: 'get_session',
        outcome: 'server_error',
      }),
      2,
    );
    assert.equal(
      await requestsCounted(fixture.registry, {
        adapter: 'corpay',
        operation: 'start_session',
        outcome: 'server_error',
      }),
      1,
    );
  });

  it('fails precisely when the client secret is wrong: testStation says cpms_auth_failed, calls throw', async () => {
    const wrong = corpayAdapterFactory(
      corpaySettings(url, { ...credentials, clientSecret: 'not-the-secret-0001' }),
      adapterDeps().deps,
    );
    const tested = await wrong.testStation(connector());
    assert.deepEqual(
      [tested.ok, tested.error?.code, tested.error?.httpStatus],
      [false, 'cpms_auth_failed', 401],
    );
    await assert.rejects(
      wrong.startSession({ chargeId: nextCharge(), target: connector() }),
      (error: unknown) =>
        error instanceof CpmsUnavailableError && (error as CpmsCallError).code === 'cpms_auth_failed',
    );
    assert.equal((await adapter.testStation(connector())).ok, true);
    assert.deepEqual(await adapter.pollConnectorStatuses(['CP-1']), []);
  });
});
