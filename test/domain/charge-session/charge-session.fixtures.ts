import type { ChargeSessionCommand } from '../../../src/domain/charge-session/charge-session.commands';
import type {
  ChargeSessionEvent,
  ChargeSessionEventOf,
  MeterReading,
} from '../../../src/domain/charge-session/charge-session.events';
import type { TariffDefinition } from '../../../src/domain/tariff/tariff.model';

export const T0 = '2026-03-02T09:00:00.000Z';
export const ACTIVATED = '2026-03-02T09:00:30.000Z';
export const DEADLINE = '2026-03-02T09:02:00.000Z';
export const at = (minutes: number): string =>
  new Date(Date.parse(ACTIVATED) + minutes * 60_000).toISOString();

/** 10.00 TRY/kWh excl. VAT: 12.00 TRY/kWh with the default 20%, so 1 Wh costs 1.2 kuruş. */
export const tariff: TariffDefinition = {
  currency: 'TRY',
  elements: [{ priceComponents: [{ type: 'ENERGY', price: 10, stepSize: 1 }] }],
};

export const startCommand = (overrides: Partial<ChargeSessionCommand> = {}): ChargeSessionCommand =>
  ({
    type: 'StartChargeSession',
    now: T0,
    chargeId: 'ch_1',
    merchantId: 'mer_1',
    terminalId: 'trm_1',
    paymentIntentId: 'pi_1',
    stationId: 'IST-1',
    connectorId: '1',
    evseId: null,
    tariffId: 'energy',
    tariff,
    currency: 'TRY',
    amountAuthorized: 10_000,
    stopThreshold: 9_500,
    vatRatePercent: 20,
    timeZone: 'Europe/Istanbul',
    startTimeoutMs: 90_000,
    metadata: {},
    ...overrides,
  }) as ChargeSessionCommand;

export const started: ChargeSessionEventOf<'ChargeSessionStarted'> = {
  type: 'ChargeSessionStarted',
  data: {
    chargeId: 'ch_1',
    merchantId: 'mer_1',
    terminalId: 'trm_1',
    paymentIntentId: 'pi_1',
    stationId: 'IST-1',
    connectorId: '1',
    evseId: null,
    tariffId: 'energy',
    tariff,
    currency: 'TRY',
    amountAuthorized: 10_000,
    stopThreshold: 9_500,
    vatRatePercent: 20,
    timeZone: 'Europe/Istanbul',
    startDeadline: '2026-03-02T09:01:30.000Z',
    metadata: {},
    startedAt: T0,
  },
};

export const accepted: ChargeSessionEvent = {
  type: 'ChargeSessionCpmsStartAccepted',
  data: { chargeId: 'ch_1', cpmsSessionId: 'cpms_1', acceptedAt: T0 },
};

export const activated: ChargeSessionEvent = {
  type: 'ChargeSessionActivated',
  data: { chargeId: 'ch_1', cpmsSessionId: 'cpms_1', activatedAt: ACTIVATED },
};

export const reading = (minutes: number, meterWh: number): MeterReading => ({
  measuredAt: at(minutes),
  meterWh,
});

/** A recorded reading; `previous` is the reading before it (minutes, Wh). */
export const progressed = (
  minutes: number,
  meterWh: number,
  previous: [number, number] = [0, 0],
  now = at(minutes),
): ChargeSessionEvent => {
  const inclVat = Math.round(meterWh * 1.2);
  const exclVat = meterWh;
  return {
    type: 'ChargeSessionProgressRecorded',
    data: {
      chargeId: 'ch_1',
      reading: reading(minutes, meterWh),
      period: {
        startAt: previous[0] === 0 ? ACTIVATED : at(previous[0]),
        endAt: at(minutes),
        energyWh: meterWh - previous[1],
      },
      runningCost: { exclVat, vat: inclVat - exclVat, inclVat },
      recordedAt: now,
    },
  };
};

export const stopRequested = (
  reason: 'preauthorization_limit' | 'completed',
  now: string,
): ChargeSessionEvent => ({
  type: 'ChargeSessionStopRequested',
  data: { chargeId: 'ch_1', reason, requestedAt: now },
});

export const command = <Type extends ChargeSessionCommand['type']>(
  type: Type,
  now: string,
  fields: Omit<Extract<ChargeSessionCommand, { type: Type }>, 'type' | 'now'>,
): ChargeSessionCommand => ({ type, now, ...fields }) as ChargeSessionCommand;
