import type { Logger } from '../../infrastructure/logging/logger';
import {
  STATION_ADAPTER_TYPES,
  type AdapterHealthSnapshot,
  type StationAdapter,
  type StationAdapterDeps,
  type StationAdapterFactory,
  type StationAdapterSettings,
  type StationAdapterType,
} from './station-adapter';

export type StationAdapterFactories = Partial<Record<StationAdapterType, StationAdapterFactory>>;

/** The settings an adapter is built from and the config stream version they came from. */
export interface VersionedSettings {
  version: number;
  settings: StationAdapterSettings;
}

export type AdapterLookup =
  | { kind: 'ready'; adapter: StationAdapter; settings: StationAdapterSettings }
  /** No configuration, or disabled. */
  | { kind: 'not_configured' }
  /** Configured, but this build has no adapter of that type. */
  | { kind: 'unavailable' };

export interface AdapterHealthEntry {
  adapterType: StationAdapterType;
  status: 'configured' | 'not_configured' | 'unavailable';
  health: AdapterHealthSnapshot | null;
}

export interface StationAdapterRegistryDeps {
  factories: StationAdapterFactories;
  /** The current settings, read from the configuration's stream (undefined: none, or disabled). */
  loadSettings: (adapterType: StationAdapterType) => Promise<VersionedSettings | undefined>;
  adapterDeps: StationAdapterDeps;
  logger: Logger;
}

interface LiveAdapter {
  version: number;
  adapter: StationAdapter;
  settings: StationAdapterSettings;
}

/**
 * Holds the live StationAdapters. Each lookup reads the configuration stream's new events (usually none),
 * so a change made through the API, in this process or another, replaces the adapter on its next use:
 * the old one is closed, the new one built from the new settings. No restart.
 */
export const stationAdapterRegistry = (deps: StationAdapterRegistryDeps) => {
  const live = new Map<StationAdapterType, LiveAdapter>();
  const pending = new Map<StationAdapterType, Promise<AdapterLookup>>();
  let closed = false;

  const retire = (adapterType: StationAdapterType) => {
    const previous = live.get(adapterType);
    if (!previous) return;
    live.delete(adapterType);
    previous.adapter.close().catch((error: unknown) =>
      deps.logger.warn('closing a replaced CPMS adapter failed', {
        adapterType,
        error: error instanceof Error ? error.message : 'unknown',
      }),
    );
  };

  const refresh = async (adapterType: StationAdapterType): Promise<AdapterLookup> => {
    const current = await deps.loadSettings(adapterType);
    const existing = live.get(adapterType);
    if (!current) {
      retire(adapterType);
      return { kind: 'not_configured' };
    }
    if (existing?.version === current.version)
      return { kind: 'ready', adapter: existing.adapter, settings: existing.settings };
    const factory = deps.factories[adapterType];
    if (!factory) {
      retire(adapterType);
      return { kind: 'unavailable' };
    }
    if (closed) throw new Error('the station adapter registry is closed');
    retire(adapterType);
    const adapter = factory(current.settings, deps.adapterDeps);
    live.set(adapterType, { version: current.version, adapter, settings: current.settings });
    deps.logger.info('CPMS adapter (re)configured', { adapterType, version: current.version });
    return { kind: 'ready', adapter, settings: current.settings };
  };

  /** One refresh per type at a time, so concurrent calls never build two adapters for one version. */
  const lookup = (adapterType: StationAdapterType): Promise<AdapterLookup> => {
    const inFlight = pending.get(adapterType);
    if (inFlight) return inFlight;
    const next = refresh(adapterType).finally(() => pending.delete(adapterType));
    pending.set(adapterType, next);
    return next;
  };

  return {
    lookup,

    async health(): Promise<AdapterHealthEntry[]> {
      const entries: AdapterHealthEntry[] = [];
      for (const adapterType of STATION_ADAPTER_TYPES) {
        const found = await lookup(adapterType);
        entries.push(
          found.kind === 'ready'
            ? { adapterType, status: 'configured', health: found.adapter.health() }
            : { adapterType, status: found.kind, health: null },
        );
      }
      return entries;
    },

    async close(): Promise<void> {
      closed = true;
      await Promise.allSettled([...pending.values()]);
      const adapters = [...live.values()].map((entry) => entry.adapter);
      live.clear();
      await Promise.allSettled(adapters.map((adapter) => adapter.close()));
    },
  };
};

export type StationAdapterRegistry = ReturnType<typeof stationAdapterRegistry>;
