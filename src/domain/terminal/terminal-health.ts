import type { HealthProblem, HealthReadings, TerminalHealth } from './terminal.events';

/** Below this charge, on battery, a terminal may die mid-session. */
export const LOW_BATTERY_PERCENT = 15;
/** Signal below which authorizations start timing out, per link type (dBm). */
export const WEAK_SIGNAL_DBM = { cellular: -105, wifi: -80 } as const;

export const UNKNOWN_HEALTH: TerminalHealth = {
  status: 'unknown',
  problems: [],
  battery: null,
  paper: null,
  network: null,
  errorCodes: null,
  firmwareReportedAt: null,
};

const problemsOf = (health: TerminalHealth): HealthProblem[] => {
  const problems: HealthProblem[] = [];
  if (health.battery && !health.battery.charging && health.battery.levelPercent < LOW_BATTERY_PERCENT) {
    problems.push('low_battery');
  }
  if (health.paper?.status === 'low') problems.push('paper_low');
  if (health.paper?.status === 'out') problems.push('paper_out');
  const network = health.network;
  if (network && network.type !== 'ethernet' && network.signalDbm !== null) {
    if (network.signalDbm < WEAK_SIGNAL_DBM[network.type]) problems.push('weak_signal');
  }
  if (health.errorCodes && health.errorCodes.codes.length > 0) problems.push('error_codes');
  return problems;
};

/** True when a reading reported at `occurredAt` is newer than what it would replace. */
const newer = (current: { reportedAt: string } | null, occurredAt: string): boolean =>
  current === null || Date.parse(occurredAt) > Date.parse(current.reportedAt);

/**
 * Folds one report into the health: each reading replaces the stored one only when it is newer, so
 * reports arriving out of order end in the same state as in order. Any report makes the health known.
 */
export const applyHealthReport = (
  health: TerminalHealth,
  firmwareVersion: string | null,
  readings: HealthReadings,
  occurredAt: string,
): { health: TerminalHealth; firmwareVersion: string | null } => {
  const at = { reportedAt: occurredAt };
  const next: TerminalHealth = {
    ...health,
    battery:
      readings.battery && newer(health.battery, occurredAt) ? { ...readings.battery, ...at } : health.battery,
    paper: readings.paper && newer(health.paper, occurredAt) ? { ...readings.paper, ...at } : health.paper,
    network:
      readings.network && newer(health.network, occurredAt) ? { ...readings.network, ...at } : health.network,
    errorCodes:
      readings.errorCodes && newer(health.errorCodes, occurredAt)
        ? { codes: readings.errorCodes, ...at }
        : health.errorCodes,
  };
  const firmwareIsNewer =
    readings.firmwareVersion !== undefined &&
    (health.firmwareReportedAt === null || Date.parse(occurredAt) > Date.parse(health.firmwareReportedAt));
  if (firmwareIsNewer) next.firmwareReportedAt = occurredAt;
  const problems = problemsOf(next);
  return {
    health: { ...next, problems, status: problems.length > 0 ? 'degraded' : 'ok' },
    firmwareVersion: firmwareIsNewer ? (readings.firmwareVersion ?? null) : firmwareVersion,
  };
};

export const sameProblems = (a: readonly HealthProblem[], b: readonly HealthProblem[]): boolean =>
  a.length === b.length && a.every((problem, index) => b[index] === problem);
