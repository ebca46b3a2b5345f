import assert from 'node:assert/strict';
import type { TerminalEvent } from '../../../src/domain/terminal/terminal.events';
import { emptyTerminalStats } from '../../../src/projections/terminals/terminal-stats.document';
import { terminalStatsProjection } from '../../../src/projections/terminals/terminal-stats.projection';
import { givenProjection, recordedEvent } from '../../support/projection-spec';
import { decideAll } from './terminal-events';

const stream = (event: TerminalEvent, terminalId: string) =>
  recordedEvent(`terminal-${terminalId}`, event.type, event.data as Record<string, unknown>);

const given = (histories: Record<string, TerminalEvent[]>) =>
  givenProjection(terminalStatsProjection).given(
    Object.entries(histories).flatMap(([id, events]) => events.map((event) => stream(event, id))),
  );

describe('terminal stats projection', () => {
  const a = decideAll('trm_a', [
    { type: 'register', model: 'A920', firmwareVersion: '1.0.0' },
    { type: 'report', readings: { battery: { levelPercent: 5, charging: false }, firmwareVersion: '1.1.0' } },
  ]);
  const b = decideAll('trm_b', [
    { type: 'register', model: 'A920', firmwareVersion: null },
    { type: 'report', readings: { paper: { status: 'out' } } },
    { type: 'status', status: 'suspended' },
  ]);
  const c = decideAll('trm_c', [
    { type: 'register', model: 'Move5000', firmwareVersion: '1.0.0' },
    { type: 'report', readings: { paper: { status: 'out' } } },
    { type: 'status', status: 'decommissioned' },
  ]);

  it('counts by status, connectivity, model, firmware and health; decommissioned ones leave the breakdowns', () =>
    given({ trm_a: a, trm_b: b, trm_c: c }).then({
      ...emptyTerminalStats('mer_1'),
      total: 3,
      inService: 2,
      byStatus: { active: 1, suspended: 1, maintenance: 0, decommissioned: 1 },
      connectivity: { online: 2, offline: 0 },
      byModel: [{ model: 'A920', count: 2 }],
      byFirmware: [
        { firmwareVersion: null, count: 1 },
        { firmwareVersion: '1.1.0', count: 1 },
      ],
      health: {
        ok: 0,
        degraded: 2,
        unknown: 0,
        problems: [
          { code: 'low_battery', count: 1 },
          { code: 'paper_out', count: 1 },
        ],
      },
      updatedAt: '2026-01-15T10:00:00.000Z',
    }));

  it('is not touched by heartbeats that change nothing it counts, nor by rotations', () => {
    const quiet = decideAll('trm_q', [
      { type: 'register', model: 'A920', firmwareVersion: '1.0.0' },
      { type: 'report', readings: {} },
      { type: 'report', readings: {} },
      { type: 'rotate' },
    ]);
    const ids = quiet.map((event) => terminalStatsProjection.documentId(stream(event, 'trm_q')));
    // registered, first report (unknown -> ok), came online, quiet report, rotation
    assert.deepEqual(ids, ['mer_1', 'mer_1', 'mer_1', null, null]);
  });
});
