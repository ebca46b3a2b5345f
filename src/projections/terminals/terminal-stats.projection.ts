import {
  terminalEventCodec,
  type HealthProblem,
  type HealthStatus,
  type TerminalEvent,
} from '../../domain/terminal/terminal.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import { emptyTerminalStats, type TerminalStatsDocument } from './terminal-stats.document';

/** Adds `delta` to the entry whose `field` is `value`, dropping entries that reach zero; sorted by value. */
const bump = <E extends { count: number }, K extends keyof E>(
  list: readonly E[],
  field: K,
  value: E[K],
  delta: number,
): E[] => {
  const found = list.some((entry) => entry[field] === value);
  const next = found
    ? list.map((entry) => (entry[field] === value ? { ...entry, count: entry.count + delta } : entry))
    : [...list, { [field]: value, count: delta } as unknown as E];
  return next
    .filter((entry) => entry.count !== 0)
    .sort((a, b) => {
      const [x, y] = [String(a[field] ?? ''), String(b[field] ?? '')];
      return x < y ? -1 : x > y ? 1 : 0;
    });
};

const bumpProblems = (
  doc: TerminalStatsDocument,
  problems: readonly HealthProblem[],
  delta: number,
): TerminalStatsDocument['health']['problems'] =>
  problems.reduce((list, code) => bump(list, 'code', code, delta), doc.health.problems);

const bumpHealth = (
  doc: TerminalStatsDocument,
  from: HealthStatus | null,
  to: HealthStatus | null,
): TerminalStatsDocument['health'] => {
  const health = { ...doc.health };
  if (from) health[from] -= 1;
  if (to) health[to] += 1;
  return health;
};

const apply = (doc: TerminalStatsDocument, event: TerminalEvent): TerminalStatsDocument => {
  switch (event.type) {
    case 'TerminalRegistered': {
      const { model, firmwareVersion } = event.data;
      return {
        ...doc,
        total: doc.total + 1,
        inService: doc.inService + 1,
        byStatus: { ...doc.byStatus, active: doc.byStatus.active + 1 },
        connectivity: { ...doc.connectivity, offline: doc.connectivity.offline + 1 },
        byModel: bump(doc.byModel, 'model', model, 1),
        byFirmware: bump(doc.byFirmware, 'firmwareVersion', firmwareVersion, 1),
        health: bumpHealth(doc, null, 'unknown'),
      };
    }
    case 'TerminalHealthReported': {
      const { previousAttributes: previous, firmwareVersion, health } = event.data;
      let next = doc;
      if (previous.firmwareVersion !== undefined) {
        const byFirmware = bump(doc.byFirmware, 'firmwareVersion', previous.firmwareVersion, -1);
        next = { ...next, byFirmware: bump(byFirmware, 'firmwareVersion', firmwareVersion, 1) };
      }
      if (previous.healthStatus !== undefined) {
        next = { ...next, health: bumpHealth(next, previous.healthStatus, health.status) };
      }
      if (previous.problems !== undefined) {
        const removed = {
          ...next,
          health: { ...next.health, problems: bumpProblems(next, previous.problems, -1) },
        };
        next = {
          ...removed,
          health: { ...removed.health, problems: bumpProblems(removed, health.problems, 1) },
        };
      }
      return next;
    }
    case 'TerminalWentOffline':
      return {
        ...doc,
        connectivity: { online: doc.connectivity.online - 1, offline: doc.connectivity.offline + 1 },
      };
    case 'TerminalCameOnline':
      return {
        ...doc,
        connectivity: { online: doc.connectivity.online + 1, offline: doc.connectivity.offline - 1 },
      };
    case 'TerminalStatusChanged': {
      const { status, previousStatus, attributes } = event.data;
      const byStatus = { ...doc.byStatus, [previousStatus]: doc.byStatus[previousStatus] - 1 };
      byStatus[status] += 1;
      if (status !== 'decommissioned') return { ...doc, byStatus };
      // Leaving service for good: the terminal no longer counts in the in-service breakdowns.
      const connectivity = { ...doc.connectivity };
      connectivity[attributes.connectivity] -= 1;
      return {
        ...doc,
        byStatus,
        inService: doc.inService - 1,
        connectivity,
        byModel: bump(doc.byModel, 'model', attributes.model, -1),
        byFirmware: bump(doc.byFirmware, 'firmwareVersion', attributes.firmwareVersion, -1),
        health: {
          ...bumpHealth(doc, attributes.healthStatus, null),
          problems: bumpProblems(doc, attributes.problems, -1),
        },
      };
    }
    case 'TerminalCredentialRotated':
      return doc;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

/** Only events that move a count reach the document, so heartbeats cost the statistics nothing. */
const changesCounts = (event: RecordedEvent): boolean => {
  if (event.type === 'TerminalCredentialRotated') return false;
  if (event.type !== 'TerminalHealthReported') return true;
  const previous = (event.data as { previousAttributes?: object }).previousAttributes;
  return previous !== undefined && Object.keys(previous).length > 0;
};

export const TERMINAL_STATS_COLLECTION = 'terminal_stats';

export const terminalStatsProjection: Projection<TerminalStatsDocument> = {
  name: 'terminal_stats',
  collection: TERMINAL_STATS_COLLECTION,
  eventTypes: terminalEventCodec.eventTypes.filter((type) => type !== 'TerminalCredentialRotated'),
  documentId: (event) =>
    changesCounts(event) ? ((event.data as { merchantId?: string }).merchantId ?? null) : null,
  evolve: (doc, recorded) => {
    const event = terminalEventCodec.decode(recorded);
    const next = apply(doc ?? emptyTerminalStats(event.data.merchantId), event);
    return { ...next, updatedAt: recorded.metadata.occurredAt };
  },
};
