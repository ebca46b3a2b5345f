import { corpayAdapterFactory } from './corpay/corpay-adapter';
import { longshipAdapterFactory } from './longship/longship-adapter';
import type { StationAdapterFactory, StationAdapterType } from './station-adapter';

/** The factory of each adapter type, for the router that builds a `StationAdapter` per mapping's type. */
export const STATION_ADAPTER_FACTORIES: Readonly<Record<StationAdapterType, StationAdapterFactory>> = {
  longship: longshipAdapterFactory,
  corpay: corpayAdapterFactory,
};
