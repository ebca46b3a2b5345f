import assert from 'node:assert/strict';
import { CorpaySimulator } from '../../../src/integrations/cpms/corpay/simulator/corpay-simulator';
import { LongshipSimulator } from '../../../src/integrations/cpms/longship/simulator/longship-simulator';
import { STATION_ADAPTER_FACTORIES } from '../../../src/integrations/cpms/station-adapter-factories';
import type {
  CpmsTarget,
  StationAdapter,
  StationAdapterSettings,
} from '../../../src/integrations/cpms/station-adapter';
import { eventually } from '../../support/eventually';
import { adapterDeps, corpaySettings, longshipSettings } from './support/adapter-fixtures';

interface Harness {
  start(): Promise<StationAdapterSettings>;
  /** A fresh connector the simulator knows. */
  target(): CpmsTarget;
  close(): Promise<void>;
}

let counter = 0;

const longshipHarness = (): Harness => {
  const keys = { tenantKey: 'contract-tenant-key-01', applicationKey: 'contract-app-key-01' };
  const simulator = new LongshipSimulator(keys);
  return {
    async start() {
      const url = await simulator.listen();
      simulator.configure({ startConfirmDelayMs: 10, stopConfirmDelayMs: 10, powerKw: 3600 });
      return longshipSettings(url, { ...keys, webhookSecret: 'contract-webhook-secret-01' });
    },
    target() {
      const chargePointId = `CP-CONTRACT-${(counter += 1)}`;
      simulator.addChargePoint(chargePointId, 1);
      return { chargePointId, connectorNumber: 1 };
    },
    close: () => simulator.close(),
  };
};

const corpayHarness = (): Harness => {
  const credentials = { clientId: 'contract-client', clientSecret: 'contract-client-secret-01' };
  const simulator = new CorpaySimulator(credentials);
  return {
    async start() {
      const url = await simulator.listen();
      simulator.configure({ startConfirmDelayMs: 10, stopDelayMs: 10, powerKw: 3600 });
      return corpaySettings(url, credentials);
    },
    target() {
      const cpmsConnectorId = `E-CONTRACT-${(counter += 1)}`;
      simulator.addConnector(cpmsConnectorId);
      return { chargePointId: `CP-${counter}`, connectorNumber: 1, cpmsConnectorId };
    },
    close: () => simulator.close(),
  };
};

/** What every StationAdapter does, whichever CPMS is behind it. */
for (const [type, harnessOf] of [
  ['longship', longshipHarness],
  ['corpay', corpayHarness],
] as const) {
  describe(`StationAdapter contract: ${type} against its simulator`, () => {
    const harness = harnessOf();
    let adapter: StationAdapter;

    before(async () => {
      adapter = STATION_ADAPTER_FACTORIES[type](await harness.start(), adapterDeps().deps);
    });
    after(async () => {
      await adapter.close();
      await harness.close();
    });

    it('runs start -> STARTED with energy -> stop -> COMPLETE, and accepts a repeated stop', async () => {
      const chargeId = `ch_contract_${(counter += 1)}`;
      const target = harness.target();
      const started = await adapter.startSession({ chargeId, target });
      assert.equal(started.outcome, 'accepted');
      const request = {
        chargeId,
        target,
        cpmsSessionId: started.outcome === 'accepted' ? started.cpmsSessionId : null,
      };
      await eventually(async () => {
        const view = await adapter.getSession(request);
        assert.equal(view?.status, 'STARTED');
        assert.ok((view?.energyWh ?? 0) > 0);
      });
      assert.deepEqual(await adapter.stopSession(request), { outcome: 'accepted' });
      await eventually(async () => assert.equal((await adapter.getSession(request))?.status, 'COMPLETE'));
      assert.deepEqual(await adapter.stopSession(request), { outcome: 'accepted' });
    });

    it('refuses a second start on the same connector within the busy window (a result, not an error)', async () => {
      const target = harness.target();
      assert.equal(
        (await adapter.startSession({ chargeId: `ch_contract_${(counter += 1)}`, target })).outcome,
        'accepted',
      );
      assert.equal(
        (await adapter.startSession({ chargeId: `ch_contract_${(counter += 1)}`, target })).outcome,
        'refused',
      );
    });

    it('knows no session for a charge it never started', async () => {
      const view = await adapter.getSession({
        chargeId: 'ch_never_started',
        target: harness.target(),
        cpmsSessionId: null,
      });
      assert.equal(view, undefined);
    });

    it('reports its health: its type, up, the circuit closed', () => {
      const health = adapter.health();
      assert.deepEqual([health.adapterType, health.state, health.circuit], [type, 'up', 'closed']);
      assert.ok(health.requestsInWindow > 0 && health.lastSuccessAt !== null);
    });
  });
}
