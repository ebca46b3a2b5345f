import { chargeService } from '../../src/commands/charges/charge.service';
import { paymentIntentService } from '../../src/commands/payment-intents/payment-intent.service';
import { tariffService } from '../../src/commands/tariffs/tariff.service';
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
