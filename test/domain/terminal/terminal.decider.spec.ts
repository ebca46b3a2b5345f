import assert from 'node:assert/strict';
import { terminalDecider } from '../../../src/domain/terminal/terminal.decider';
import type { TerminalEvent } from '../../../src/domain/terminal/terminal.events';
import { deciderSpec } from '../../support/decider-spec';
import {
  OFFLINE_AFTER_MS,
  T0,
  at,
  heartbeatFromOffline,
  register,
  registered,
  report,
  statusChanged,
} from './terminal.fixtures';

const given = deciderSpec(terminalDecider);
const decide = (events: TerminalEvent[], command: Parameters<typeof terminalDecider.decide>[0]) =>
  terminalDecider.decide(command, events.reduce(terminalDecider.evolve, terminalDecider.initialState()));
const reported = (events: TerminalEvent[]) => {
  const [first] = events;
  if (first?.type !== 'TerminalHealthReported')
    throw new Error(`expected a health report, got ${first?.type}`);
  return first.data;
};

describe('terminal decider', () => {
  describe('register', () => {
    it('registers an active terminal with its credential', () =>
      given([]).when(register()).then([registered()]));

    it('refuses a second registration', () =>
      given([registered()]).when(register()).thenRefuses('terminal_exists', 'conflict'));
  });

  describe('health', () => {
    it('records a heartbeat and brings a terminal online', () =>
      given([registered()])
        .when(report('e1', at(10)))
        .then(heartbeatFromOffline('e1', at(10))));

    it('ignores an event id it has seen', () =>
      given([registered(), ...heartbeatFromOffline('e1', at(10))])
        .when(report('e1', at(20)))
        .then([]));

    it('keeps newer readings and last-seen when an older event arrives late', () => {
      const history = [
        registered(),
        ...decide([registered()], report('e2', at(100), { battery: { levelPercent: 80, charging: true } })),
      ];
      const late = reported(
        decide(history, report('e1', at(50), { battery: { levelPercent: 5, charging: false } }, at(120))),
      );
      assert.equal(late.lastSeenAt, at(100));
      assert.deepEqual(late.health.battery, { levelPercent: 80, charging: true, reportedAt: at(100) });
      assert.deepEqual(late.previousAttributes, {});
    });

    it('never takes a device time later than the gateway clock', () => {
      const ahead = reported(decide([registered()], report('e1', at(3600), {}, at(10))));
      assert.equal(ahead.occurredAt, at(10));
      assert.equal(ahead.lastSeenAt, at(10));
    });

    it('names what changed among the counted attributes: firmware and problems', () => {
      const events = decide(
        [registered(), ...heartbeatFromOffline('e1', at(10))],
        report('e2', at(20), { firmwareVersion: '2.0.0', battery: { levelPercent: 3, charging: false } }),
      );
      const data = reported(events);
      assert.equal(data.firmwareVersion, '2.0.0');
      assert.deepEqual(data.health.problems, ['low_battery']);
      assert.deepEqual(data.previousAttributes, {
        firmwareVersion: '1.0.0',
        healthStatus: 'ok',
        problems: [],
      });
      assert.equal(events.length, 1, 'an online terminal came online again');
    });

    it('does not bring a terminal online on a report older than the offline limit', () => {
      const events = decide([registered()], report('e1', at(0), {}, at(OFFLINE_AFTER_MS / 1000)));
      assert.deepEqual(
        events.map((event) => event.type),
        ['TerminalHealthReported'],
      );
    });

    it('refuses reports for an unregistered or decommissioned terminal', () => {
      given([])
        .when(report('e1', at(1)))
        .thenRefuses('terminal_not_registered', 'conflict');
      given([registered(), statusChanged('decommissioned')])
        .when(report('e1', at(100)))
        .thenRefuses('terminal_decommissioned', 'conflict');
    });
  });

  describe('status', () => {
    it('records the change with the previous status and the counted attributes', () =>
      given([registered()])
        .when({ type: 'ChangeTerminalStatus', now: at(60), status: 'suspended', reason: null })
        .then([statusChanged('suspended')]));

    it('records nothing when the status does not change', () =>
      given([registered()])
        .when({ type: 'ChangeTerminalStatus', now: at(60), status: 'active', reason: null })
        .then([]));

    it('never leaves decommissioned', () =>
      given([registered(), statusChanged('decommissioned')])
        .when({ type: 'ChangeTerminalStatus', now: at(90), status: 'active', reason: null })
        .thenRefuses('terminal_decommissioned'));
  });

  describe('credential rotation', () => {
    it('records the new credential and the previous one', () =>
      given([registered()])
        .when({ type: 'RotateTerminalCredential', now: at(5), credentialId: 'key_2' })
        .then([
          {
            type: 'TerminalCredentialRotated',
            data: {
              terminalId: 'trm_1',
              merchantId: 'mer_1',
              credentialId: 'key_2',
              previousCredentialId: 'key_1',
              rotatedAt: at(5),
            },
          },
        ]));

    it('records nothing for the current credential, and refuses a decommissioned terminal', () => {
      given([registered()])
        .when({ type: 'RotateTerminalCredential', now: at(5), credentialId: 'key_1' })
        .then([]);
      given([registered(), statusChanged('decommissioned')])
        .when({ type: 'RotateTerminalCredential', now: at(99), credentialId: 'key_2' })
        .thenRefuses('terminal_decommissioned');
    });
  });

  describe('offline detection', () => {
    const online = [registered(), ...heartbeatFromOffline('e1', T0)];
    const markOffline = (seconds: number) =>
      ({ type: 'MarkTerminalOffline', now: at(seconds), offlineAfterMs: OFFLINE_AFTER_MS }) as const;

    it('marks a terminal silent for the limit offline', () =>
      given(online)
        .when(markOffline(OFFLINE_AFTER_MS / 1000))
        .then([
          {
            type: 'TerminalWentOffline',
            data: { terminalId: 'trm_1', merchantId: 'mer_1', lastSeenAt: T0, detectedAt: at(300) },
          },
        ]));

    it('does nothing before the limit, twice, or for a decommissioned terminal', () => {
      given(online)
        .when(markOffline(OFFLINE_AFTER_MS / 1000 - 1))
        .then([]);
      const offline = [...online, ...decide(online, markOffline(400))];
      given(offline).when(markOffline(500)).then([]);
      given([...online, { ...statusChanged('decommissioned') }])
        .when(markOffline(900))
        .then([]);
      given([]).when(markOffline(900)).then([]);
    });
  });
});
