import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/cli/commands';
import { startCorpaySimulation, startLongshipSimulation } from '../../src/cli/commands/simulate';
import { runCli } from '../../src/cli/run-cli';
import { corpayAdapterFactory } from '../../src/integrations/cpms/corpay/corpay-adapter';
import { longshipAdapterFactory } from '../../src/integrations/cpms/longship/longship-adapter';
import { adapterDeps, corpaySettings, longshipSettings } from '../integrations/cpms/support/adapter-fixtures';

const settingOf = (lines: string[], name: string) => {
  const line = lines.find((item) => item.startsWith(`${name}=`) || item.startsWith(`${name} (`));
  assert.ok(line, name);
  return line.slice(line.indexOf('=') + 1);
};

describe('edgepay simulate longship|corpay', () => {
  it('starts a Longship simulator whose printed settings an adapter can use', async () => {
    const simulation = await startLongshipSimulation({ port: '0', 'charge-points': 'CP-A' });
    try {
      const adapter = longshipAdapterFactory(
        longshipSettings(simulation.url, {
          tenantKey: settingOf(simulation.settings, 'tenantKey'),
          applicationKey: settingOf(simulation.settings, 'applicationKey'),
          webhookSecret: settingOf(simulation.settings, 'webhookSecret'),
        }),
        adapterDeps().deps,
      );
      const tested = await adapter.testStation({ chargePointId: 'CP-A', connectorNumber: 2 });
      assert.equal(tested.ok, true, JSON.stringify(tested));
    } finally {
      await simulation.close();
    }
  });

  it('starts a Corpay simulator whose printed client credentials an adapter can use', async () => {
    const simulation = await startCorpaySimulation({ port: '0', connectors: 'E-1', 'token-lifetime': '60' });
    try {
      const adapter = corpayAdapterFactory(
        corpaySettings(simulation.url, {
          clientId: settingOf(simulation.settings, 'clientId'),
          clientSecret: settingOf(simulation.settings, 'clientSecret'),
        }),
        adapterDeps().deps,
      );
      const started = await adapter.startSession({
        chargeId: 'ch_cli',
        target: { chargePointId: 'CP', connectorNumber: 1, cpmsConnectorId: 'E-1' },
      });
      assert.equal(started.outcome, 'accepted');
    } finally {
      await simulation.close();
    }
  });

  it('refuses a bad port or token lifetime as a usage error (exit 2)', async () => {
    for (const args of [
      ['simulate', 'corpay', '--port', '70000'],
      ['simulate', 'corpay', '--token-lifetime', '0'],
      ['simulate', 'longship', '--port', 'x'],
    ]) {
      const err: string[] = [];
      const code = await runCli(args, COMMANDS, {
        out: () => undefined,
        err: (line) => err.push(line),
        env: { LOG_LEVEL: 'error' },
      });
      assert.equal(code, 2, args.join(' '));
      assert.match(err.join('\n'), /--port|--token-lifetime/);
    }
  });
});
