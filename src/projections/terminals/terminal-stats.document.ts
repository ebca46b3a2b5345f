import type { HealthProblem, TerminalStatus } from '../../domain/terminal/terminal.events';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

/**
 * A merchant's fleet in numbers, one document per merchant. `total` and `byStatus` count every terminal
 * ever registered; the other breakdowns count the terminals in service (all but decommissioned ones).
 * Counts by model and firmware are lists, because model names and versions contain dots, which MongoDB
 * does not take in field names.
 */
export interface TerminalStatsDocument extends StoredDocument {
  object: 'terminal_stats';
  merchantId: string;
  total: number;
  inService: number;
  byStatus: Record<TerminalStatus, number>;
  connectivity: { online: number; offline: number };
  byModel: { model: string; count: number }[];
  byFirmware: { firmwareVersion: string | null; count: number }[];
  health: {
    ok: number;
    degraded: number;
    unknown: number;
    /** Terminals showing each problem; a terminal can show several. */
    problems: { code: HealthProblem; count: number }[];
  };
  updatedAt: string | null;
}

export const emptyTerminalStats = (merchantId: string): TerminalStatsDocument => ({
  _id: merchantId,
  object: 'terminal_stats',
  merchantId,
  total: 0,
  inService: 0,
  byStatus: { active: 0, suspended: 0, maintenance: 0, decommissioned: 0 },
  connectivity: { online: 0, offline: 0 },
  byModel: [],
  byFirmware: [],
  health: { ok: 0, degraded: 0, unknown: 0, problems: [] },
  updatedAt: null,
});
