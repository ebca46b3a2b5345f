import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/infrastructure/config';

describe('configuration: charges and tariffs', () => {
  it('defaults to the in-process CPMS simulator, Turkish VAT and Istanbul time', () => {
    const config = loadConfig({});
    assert.deepEqual(
      [
        config.CPMS_ADAPTER,
        config.CPMS_SIMULATOR_URL,
        config.CHARGE_START_TIMEOUT_SECONDS,
        config.CHARGE_STOP_MARGIN_MINOR,
        config.VAT_RATE_PERCENT,
        config.TARIFF_TIME_ZONE,
      ],
      ['simulator', undefined, 120, 500, 20, 'Europe/Istanbul'],
    );
  });

  it('refuses an unknown time zone, an unknown adapter and a VAT rate above 100', () => {
    assert.throws(
      () =>
        loadConfig({
          TARIFF_TIME_ZONE: 'Mars/Olympus',
          CPMS_ADAPTER: 'carrier-pigeon',
          VAT_RATE_PERCENT: '120',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /TARIFF_TIME_ZONE/.test(error.message) &&
        /CPMS_ADAPTER/.test(error.message) &&
        /VAT_RATE_PERCENT/.test(error.message),
    );
  });
});
