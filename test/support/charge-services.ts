import { chargeService } from '../../src/commands/charges/charge.service';
import { paymentIntentService } from '../../src/commands/payment-intents/payment-intent.service';
import { tariffService } from '../../src/commands/tariffs/tariff.service';
import { systemContext } from '../../src/commands/command-context';
import type { AccessScope } from '../../src/commands/access-scope';
import type { Clock } from '../../src/infrastructure/clock';
import type { EventStore } from '../../src/infrastructure/event-store/event-store';

/** The services a charge's process managers act through, on one store and clock (VAT 20 %, Istanbul, no margin). */
export const chargeServicesFor = (eventStore: EventStore, clock: Clock, startTimeoutMs: number) => {
  const paymentIntents = paymentIntentService({ eventStore, clock, authorizationTtlMs: 86_400_000 });
  const tariffs = tariffService({ eventStore, clock });
  const charges = chargeService({
    eventStore,
    clock,
    paymentIntents,
    tariffs,
    settings: {
      vatRatePercent: 20,
      timeZone: 'Europe/Istanbul',
      startTimeoutMs,
      stopMargin: { minor: 0, percent: 0 },
    },
  });
  return { paymentIntents, tariffs, charges };
};

/** The tariff the charge worker specs charge under: 10 TRY per kWh, billed per Wh, named `energy`. */
export const upsertEnergyTariff = (tariffs: ReturnType<typeof tariffService>, scope: AccessScope) =>
  tariffs.upsert(
    'energy',
    { currency: 'TRY', elements: [{ priceComponents: [{ type: 'ENERGY', price: 10, stepSize: 1 }] }] },
    scope,
    systemContext('setup'),
  );
