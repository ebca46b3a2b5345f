import type { TerminalCommand } from '../../../src/domain/terminal/terminal.commands';
import { terminalDecider } from '../../../src/domain/terminal/terminal.decider';
import type {
  HealthReadings,
  TerminalEvent,
  TerminalStatus,
} from '../../../src/domain/terminal/terminal.events';

type Step =
  | { type: 'register'; model: string; firmwareVersion: string | null }
  | { type: 'report'; readings: HealthReadings }
  | { type: 'status'; status: TerminalStatus }
  | { type: 'rotate' };

const NOW = '2026-03-01T10:00:00.000Z';

/** Events as the decider itself records them for these steps, so projection specs stay true to it. */
export const decideAll = (terminalId: string, steps: Step[]): TerminalEvent[] => {
  let state = terminalDecider.initialState();
  const events: TerminalEvent[] = [];
  steps.forEach((step, index) => {
    const now = new Date(Date.parse(NOW) + index * 1000).toISOString();
    const command: TerminalCommand =
      step.type === 'register'
        ? {
            type: 'RegisterTerminal',
            now,
            terminalId,
            merchantId: 'mer_1',
            serialNumber: terminalId,
            model: step.model,
            manufacturer: null,
            stationId: 'S1',
            label: null,
            firmwareVersion: step.firmwareVersion,
            metadata: {},
            credentialId: `key_${terminalId}`,
          }
        : step.type === 'report'
          ? {
              type: 'ReportTerminalHealth',
              now,
              eventId: `e${index}`,
              reportType: 'heartbeat',
              occurredAt: now,
              readings: step.readings,
              offlineAfterMs: 300_000,
            }
          : step.type === 'status'
            ? { type: 'ChangeTerminalStatus', now, status: step.status, reason: null }
            : { type: 'RotateTerminalCredential', now, credentialId: `key_${terminalId}_${index}` };
    const decided = terminalDecider.decide(command, state);
    state = decided.reduce(terminalDecider.evolve, state);
    events.push(...decided);
  });
  return events;
};
