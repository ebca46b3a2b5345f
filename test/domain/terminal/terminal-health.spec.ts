import assert from 'node:assert/strict';
import type { HealthReadings } from '../../../src/domain/terminal/terminal.events';
import { applyHealthReport, UNKNOWN_HEALTH } from '../../../src/domain/terminal/terminal-health';
import { at } from './terminal.fixtures';

const reports: [HealthReadings, string][] = [
  [{ battery: { levelPercent: 50, charging: false } }, at(1)],
  [{ paper: { status: 'out' }, errorCodes: ['E42'] }, at(2)],
  [{ battery: { levelPercent: 10, charging: false }, network: { type: 'cellular', signalDbm: -110 } }, at(3)],
  [{ firmwareVersion: '2.1.0', paper: { status: 'ok' } }, at(4)],
  [{ errorCodes: [], network: { type: 'wifi', signalDbm: -60 } }, at(5)],
  [{ firmwareVersion: '2.0.0' }, at(0)],
];

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, index) =>
        permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
      );

const fold = (order: [HealthReadings, string][]) =>
  order.reduce(
    (state, [readings, occurredAt]) =>
      applyHealthReport(state.health, state.firmwareVersion, readings, occurredAt),
    { health: UNKNOWN_HEALTH, firmwareVersion: '1.0.0' as string | null },
  );

describe('terminal health', () => {
  it('ends in the same state whatever order the reports arrive in', () => {
    const expected = fold(reports);
    assert.deepEqual(expected.health.problems, ['low_battery']);
    assert.equal(expected.firmwareVersion, '2.1.0');
    for (const order of permutations(reports)) assert.deepEqual(fold(order), expected);
  });

  it('derives problems from the readings', () => {
    const { health } = applyHealthReport(
      UNKNOWN_HEALTH,
      null,
      {
        battery: { levelPercent: 14, charging: false },
        paper: { status: 'low' },
        network: { type: 'wifi', signalDbm: -81 },
        errorCodes: ['E1'],
      },
      at(1),
    );
    assert.deepEqual(health.problems, ['low_battery', 'paper_low', 'weak_signal', 'error_codes']);
    assert.equal(health.status, 'degraded');
    const charging = applyHealthReport(
      health,
      null,
      { battery: { levelPercent: 14, charging: true } },
      at(2),
    );
    assert.ok(!charging.health.problems.includes('low_battery'));
  });
});
