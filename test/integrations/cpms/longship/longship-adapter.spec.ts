import assert from 'node:assert/strict';
import { CpmsUnavailableError } from '../../../../src/integrations/cpms/cpms-adapter';
import { CpmsCallError } from '../../../../src/integrations/cpms/http/cpms-call-error';
import { longshipAdapterFactory } from '../../../../src/integrations/cpms/longship/longship-adapter';
import { idTagFor } from '../../../../src/integrations/cpms/id-tag';
import { LongshipSimulator } from '../../../../src/integrations/cpms/longship/simulator/longship-simulator';
import { DEFAULT_LONGSHIP_BEHAVIOUR } from '../../../../src/integrations/cpms/longship/simulator/longship-simulator-state';
import type { StationAdapter } from '../../../../src/integrations/cpms/station-adapter';
import { eventually } from '../../../support/eventually';
import { adapterDeps, longshipSettings, requestsCounted } from '../support/adapter-fixtures';

const credentials = {
  tenantKey: 'tenant-key-longship-0001',
  applicationKey: 'application-key-longship-0001',
  webhookSecret: 'webhook-secret-longship-0001',
};

let chargeCounter = 0;
const nextCharge = () => `ch_longship_${process.pid}_${(chargeCounter += 1)}`;

describe('Longship adapter against the Longship simulator, over HTTP', () => {
  const simulator = new LongshipSimulator({
    tenantKey: credentials.tenantKey,
    applicationKey: credentials.applicationKey,
  });
  let url: string;
  let adapter: StationAdapter;
  let fixture: ReturnType<typeof adapterDeps>;

  before(async () => {
    url = await simulator.listen();
  });
  after(() => simulator.close());
  beforeEach(() => {
    simulator.configure({
      ...DEFAULT_LONGSHIP_BEHAVIOUR,
      startConfirmDelayMs: 20,
      stopConfirmDelayMs: 20,
      powerKw: 3600,
    });
    simulator.faults.clear();
    fixture = adapterDeps();
    adapter = longshipAdapterFactory(longshipSettings(url, credentials), fixture.deps);
  });
  afterEach(() => adapter.close());

  const chargePoint = (connectors = 2) => {
    const id = `CP-${(chargeCounter += 1)}`;
    simulator.addChargePoint(id, connectors);
    return id;
  };

  it('starts (202, message polled to Accepted), reports the session active with growing energy, stops, then COMPLETE', async () => {
    const chargePointId = chargePoint();
    const chargeId = nextCharge();
    const target = { chargePointId, connectorNumber: 1 };
    const started = await adapter.startSession({ chargeId, target });
    assert.equal(started.outcome, 'accepted');
    const cpmsSessionId = started.outcome === 'accepted' ? started.cpmsSessionId : null;
    assert.ok(cpmsSessionId, 'the session id is known once the start is accepted');
    assert.equal(simulator.session(cpmsSessionId)?.idTag, idTagFor(chargeId));

    const first = await adapter.getSession({ chargeId, target, cpmsSessionId });
    assert.equal(first?.status, 'STARTED');
    await eventually(async () => {
      const later = await adapter.getSession({ chargeId, target, cpmsSessionId });
      assert.ok((later?.energyWh ?? 0) > (first?.energyWh ?? 0), 'energy grows while charging');
    });

    assert.deepEqual(await adapter.stopSession({ chargeId, target, cpmsSessionId }), { outcome: 'accepted' });
    const stopped = await adapter.getSession({ chargeId, target, cpmsSessionId });
    assert.equal(stopped?.status, 'COMPLETE');
    assert.ok((stopped?.energyWh ?? 0) > 0);
    // A stop repeated by a retried job changes nothing and is still accepted.
    assert.deepEqual(await adapter.stopSession({ chargeId, target, cpmsSessionId }), { outcome: 'accepted' });
    assert.equal(simulator.requests(/remotestop$/).length, 1);
  });

  it("finds a charge's session by its idTag after a restart (no session id known), and a repeated start starts nothing new", async () => {
    const chargePointId = chargePoint();
    const chargeId = nextCharge();
    const target = { chargePointId, connectorNumber: 2 };
    const started = await adapter.startSession({ chargeId, target });
    const restarted = longshipAdapterFactory(longshipSettings(url, credentials), adapterDeps().deps);
    const view = await restarted.getSession({ chargeId, target, cpmsSessionId: null });
    assert.equal(view?.status, 'STARTED');
    assert.equal(view?.cpmsSessionId, started.outcome === 'accepted' ? started.cpmsSessionId : undefined);
    assert.deepEqual(await restarted.startSession({ chargeId, target }), started);
    assert.equal(simulator.requests(new RegExp(`${chargePointId}/remotestart$`)).length, 1);
    assert.equal(
      await restarted.getSession({ chargeId: nextCharge(), target, cpmsSessionId: null }),
      undefined,
    );
  });

  it('answers a second start on a busy connector (within 60 s) with a refusal, not an error', async () => {
    const chargePointId = chargePoint();
    const target = { chargePointId, connectorNumber: 1 };
    const first = await adapter.startSession({ chargeId: nextCharge(), target });
    assert.equal(first.outcome, 'accepted');
    await adapter.stopSession({
      chargeId: 'x',
      target,
      cpmsSessionId: first.outcome === 'accepted' ? first.cpmsSessionId : null,
    });
    const second = await adapter.startSession({ chargeId: nextCharge(), target });
    assert.equal(second.outcome, 'refused');
    assert.match(second.outcome === 'refused' ? second.reason : '', /^start_rejected/);
  });

  it('refuses a start the charge point never confirms once startConfirmMs has passed; unknown charge points are refused precisely', async () => {
    simulator.configure({ startConfirm: 'never' });
    const slow = longshipAdapterFactory(
      longshipSettings(url, credentials, { timeouts: { requestMs: 500, startConfirmMs: 300 } }),
      adapterDeps().deps,
    );
    const startedAt = Date.now();
    const result = await slow.startSession({
      chargeId: nextCharge(),
      target: { chargePointId: chargePoint(), connectorNumber: 1 },
    });
    assert.equal(result.outcome, 'refused');
    assert.match(result.outcome === 'refused' ? result.reason : '', /^start_not_confirmed/);
    assert.ok(Date.now() - startedAt < 1500);
    const unknown = await adapter.startSession({
      chargeId: nextCharge(),
      target: { chargePointId: 'CP-NOPE', connectorNumber: 1 },
    });
    assert.equal(unknown.outcome, 'refused');
    assert.match(unknown.outcome === 'refused' ? unknown.reason : '', /^charge_point_not_found/);
  });

  it('waits for a slow confirmation within startConfirmMs', async () => {
    simulator.configure({ startConfirmDelayMs: 400 });
    const result = await adapter.startSession({
      chargeId: nextCharge(),
      target: { chargePointId: chargePoint(), connectorNumber: 1 },
    });
    assert.equal(result.outcome, 'accepted');
  });

  it('throws CpmsUnavailableError on a 5xx to a remote start and never repeats the POST', async () => {
    const chargePointId = chargePoint();
    simulator.faults.failNext(1, { kind: 'status', status: 503 }, /remotestart$/);
    await assert.rejects(
      adapter.startSession({ chargeId: nextCharge(), target: { chargePointId, connectorNumber: 1 } }),
      (error: unknown) =>
        error instanceof CpmsUnavailableError && (error as CpmsCallError).code === 'cpms_server_error',
    );
    assert.equal(simulator.requests(new RegExp(`${chargePointId}/remotestart$`)).length, 1);
  });

  it('does not repeat a call refused with 401 (keys revoked at Longship): cpms_auth_failed at once', async () => {
    const chargePointId = chargePoint();
    simulator.faults.failNext(1, { kind: 'status', status: 401 }, /^\/v1\/chargepointstatus/);
    const before = simulator.requests(/chargepointstatus/).length;
    await assert.rejects(
      adapter.pollConnectorStatuses([chargePointId]),
      (error: unknown) => (error as CpmsCallError).code === 'cpms_auth_failed',
    );
    assert.equal(simulator.requests(/chargepointstatus/).length, before + 1);
    assert.equal(adapter.health().lastError?.code, 'cpms_auth_failed');
  });

  it('repeats a GET after a 5xx or a 429 with backoff, and gives up with CpmsUnavailableError after the attempts', async () => {
    const chargePointId = chargePoint();
    const chargeId = nextCharge();
    const target = { chargePointId, connectorNumber: 1 };
    const started = await adapter.startSession({ chargeId, target });
    const cpmsSessionId = started.outcome === 'accepted' ? started.cpmsSessionId : null;
    simulator.faults.failNext(1, { kind: 'status', status: 500 }, /^\/v1\/sessions\//);
    simulator.faults.failNext(1, { kind: 'status', status: 429 }, /^\/v1\/sessions\//);
    assert.equal((await adapter.getSession({ chargeId, target, cpmsSessionId }))?.status, 'STARTED');
    assert.equal(
      simulator.requests(/GET \/v1\/sessions\/[^?]+$/).filter((line) => line.endsWith(cpmsSessionId!)).length,
      3,
    );

    simulator.faults.failNext(3, { kind: 'status', status: 502 }, /^\/v1\/sessions\//);
    await assert.rejects(adapter.getSession({ chargeId, target, cpmsSessionId }), CpmsUnavailableError);
  });

  it('times a hanging call out (per-call timeout) and throws CpmsUnavailableError', async () => {
    const hurried = longshipAdapterFactory(
      longshipSettings(url, credentials, {
        timeouts: { requestMs: 100, startConfirmMs: 500 },
        retry: { attempts: 2, backoffMs: 5 },
      }),
      adapterDeps().deps,
    );
    simulator.faults.failNext(2, { kind: 'hang', ms: 5000 }, /^\/v1\/chargepointstatus/);
    const startedAt = Date.now();
    await assert.rejects(
      hurried.pollConnectorStatuses(['CP-ANY']),
      (error: unknown) =>
        error instanceof CpmsUnavailableError && (error as CpmsCallError).code === 'cpms_timeout',
    );
    assert.ok(Date.now() - startedAt < 2000);
  });

  it('tests a station: connectors and connectivity when found, a precise error otherwise (unknown, offline, bad keys)', async () => {
    const chargePointId = chargePoint(2);
    simulator.setConnectorStatus(chargePointId, 2, 'Faulted');
    const found = await adapter.testStation({ chargePointId, connectorNumber: 1 });
    assert.equal(found.ok, true);
    assert.equal(found.found?.connectivity, 'online');
    assert.deepEqual(found.found?.connectors, [
      { connectorNumber: 1, status: 'Available' },
      { connectorNumber: 2, status: 'Faulted' },
    ]);
    assert.equal(
      (await adapter.testStation({ chargePointId: 'CP-MISSING', connectorNumber: 1 })).error?.code,
      'charge_point_not_found',
    );
    assert.equal(
      (await adapter.testStation({ chargePointId, connectorNumber: 7 })).error?.code,
      'connector_not_found',
    );
    simulator.setConnectivity(chargePointId, 'OFFLINE');
    assert.equal(
      (await adapter.testStation({ chargePointId, connectorNumber: 1 })).error?.code,
      'charge_point_offline',
    );

    const wrongKeys = longshipAdapterFactory(
      longshipSettings(url, { ...credentials, applicationKey: 'wrong-application-key' }),
      adapterDeps().deps,
    );
    const denied = await wrongKeys.testStation({ chargePointId, connectorNumber: 1 });
    assert.equal(denied.ok, false);
    assert.deepEqual([denied.error?.code, denied.error?.httpStatus], ['cpms_auth_failed', 401]);
    assert.doesNotMatch(JSON.stringify(denied), /wrong-application-key|tenant-key-longship/);
  });

  it('polls connector statuses with their source times and connectivity', async () => {
    const chargePointId = chargePoint(2);
    simulator.setConnectorStatus(chargePointId, 1, 'Preparing', '2026-01-15T10:00:00.000Z');
    const observations = await adapter.pollConnectorStatuses([chargePointId, 'CP-UNKNOWN']);
    assert.deepEqual(
      observations.map((item) => [item.connectorNumber, item.status, item.source, item.connectivity]),
      [
        [1, 'Preparing', 'poll', 'online'],
        [2, 'Available', 'poll', 'online'],
      ],
    );
    assert.equal(observations[0]?.observedAt, '2026-01-15T10:00:00.000Z');
  });

  it('counts calls in cpms_requests_total and the latency histogram', async () => {
    await adapter.startSession({
      chargeId: nextCharge(),
      target: { chargePointId: chargePoint(), connectorNumber: 1 },
    });
    assert.equal(
      await requestsCounted(fixture.registry, {
        adapter: 'longship',
        operation: 'remote_start',
        outcome: 'success',
      }),
      1,
    );
    assert.ok(
      (await requestsCounted(fixture.registry, {
        adapter: 'longship',
        operation: 'remote_start_status',
        outcome: 'success',
      })) >= 1,
    );
    const histogram = await fixture.registry.getSingleMetric('cpms_request_duration_seconds')?.get();
    assert.ok(
      histogram?.values.some((value) => value.labels.operation === 'remote_start' && value.value > 0),
    );
  });

  it('follows Link pages to find a session by idTag when the API lists more than one page', async () => {
    const paged = new LongshipSimulator({ ...credentials, pageSize: 1, honoursIdTagFilter: false });
    const pagedUrl = await paged.listen();
    try {
      paged.configure({ startConfirmDelayMs: 5 });
      paged.addChargePoint('CP-PAGED', 3);
      const pagedAdapter = longshipAdapterFactory(
        longshipSettings(pagedUrl, credentials),
        adapterDeps().deps,
      );
      const charges = [nextCharge(), nextCharge(), nextCharge()];
      for (const [index, chargeId] of charges.entries()) {
        await pagedAdapter.startSession({
          chargeId,
          target: { chargePointId: 'CP-PAGED', connectorNumber: index + 1 },
        });
      }
      const first = await pagedAdapter.getSession({
        chargeId: charges[0]!,
        target: { chargePointId: 'CP-PAGED', connectorNumber: 1 },
        cpmsSessionId: null,
      });
      assert.equal(first?.cpmsSessionId, paged.sessionsOf(idTagFor(charges[0]!))[0]?.id);
      assert.ok(paged.requests(/GET \/v1\/sessions$/).length >= 3, 'several pages were read');
    } finally {
      await paged.close();
    }
  });
});
