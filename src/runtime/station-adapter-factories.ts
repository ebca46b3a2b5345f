import type { StationAdapterFactories } from '../integrations/cpms/station-adapter-registry';

/**
 * The CPMS adapters this build can run, by adapter type: a configured type without a factory here is
 * reported `unavailable` (its mapped stations' charges are refused, never left waiting).
 * The Longship and Corpay adapters are added here (`longshipAdapterFactory`, `corpayAdapterFactory`).
 */
export const STATION_ADAPTER_FACTORIES: StationAdapterFactories = {};
