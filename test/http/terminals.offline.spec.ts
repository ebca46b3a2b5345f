import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { ManualClock, startTestGateway, type TestGateway } from '../support/test-gateway';
import { heartbeat, operatorKey, registerTerminal } from './terminals.fixtures';

const OFFLINE_AFTER_MS = 60_000;

describe('HTTP: terminals go offline when silent, and back online on their next heartbeat', () => {
  const clock = new ManualClock(new Date('2026-03-02T08:00:00.000Z'));
  let api: TestGateway;
  let operator: string;

  before(async () => {
    api = await startTestGateway({
      clock,
      env: { TERMINAL_OFFLINE_AFTER_SECONDS: '60', TERMINAL_OFFLINE_SWEEP_INTERVAL_MS: '25' },
    });
    operator = await operatorKey(api);
  });
  after(() => api.close());

  const connectivity = async (id: string) =>
    (await api.request('GET', `/v1/terminals/${id}`, { key: operator })).body.connectivity;
  const report = (id: string, key: string, occurredAt: Date) =>
    api.request('POST', `/v1/terminals/${id}/health-events`, { key, body: heartbeat(occurredAt) });
  const typesOf = async (id: string) =>
    (await api.allEvents())
      .filter((event) => event.streamName === `terminal-${id}`)
      .map((event) => event.type);

  it('marks a silent terminal offline with an event, and online again on its next heartbeat', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-OFFLINE');
    assert.equal((await report(terminal.id, apiKey, clock.now())).body.connectivity, 'online');

    clock.advance(OFFLINE_AFTER_MS - 1_000);
    assert.equal(await connectivity(terminal.id), 'online');
    clock.advance(1_000);
    await eventually(async () => assert.equal(await connectivity(terminal.id), 'offline'));
    const offline = (await api.allEvents()).find((event) => event.type === 'TerminalWentOffline');
    assert.equal((offline?.data as any).detectedAt, clock.now().toISOString());
    assert.equal(offline?.metadata.actor.kind, 'system');

    // A late report from the terminal's buffer proves nothing about now.
    const late = await report(terminal.id, apiKey, new Date(clock.now().getTime() - OFFLINE_AFTER_MS - 1));
    assert.equal(late.body.connectivity, 'offline');

    const back = await report(terminal.id, apiKey, clock.now());
    assert.equal(back.body.connectivity, 'online');

    // Silent again: a new job, since the terminal's version moved on.
    clock.advance(OFFLINE_AFTER_MS);
    await eventually(async () => assert.equal(await connectivity(terminal.id), 'offline'));
    assert.deepEqual(await typesOf(terminal.id), [
      'TerminalRegistered',
      'TerminalHealthReported',
      'TerminalCameOnline',
      'TerminalWentOffline',
      'TerminalHealthReported',
      'TerminalHealthReported',
      'TerminalCameOnline',
      'TerminalWentOffline',
    ]);
    const stats = await api.request('GET', '/v1/terminals/stats', { key: operator });
    assert.deepEqual(stats.body.connectivity, { online: 0, offline: 1 });
  });
});
