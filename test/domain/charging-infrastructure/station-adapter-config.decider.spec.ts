import assert from 'node:assert/strict';
import {
  DEFAULT_TUNING,
  stationAdapterConfigDecider,
  type ConfigureStationAdapter,
} from '../../../src/domain/station-adapter-config/station-adapter-config.decider';
import type { EncryptedSecret } from '../../../src/domain/webhook-subscription/webhook-subscription.events';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(stationAdapterConfigDecider);
const NOW = '2026-11-27T08:30:00.000Z';
const sealed = (n: number): EncryptedSecret => ({
  alg: 'A256GCM',
  keyId: '0a1b2c3d',
  iv: `iv${n}`,
  ciphertext: `c${n}`,
  tag: `t${n}`,
});
const corpayCredentials = { clientId: sealed(1), clientSecret: sealed(2) };
const configure = (changes: ConfigureStationAdapter['changes']): ConfigureStationAdapter => ({
  type: 'ConfigureStationAdapter',
  now: NOW,
  adapterType: 'corpay',
  changes,
});

describe('station adapter config decider', () => {
  const first = configure({ baseUrl: 'https://corpay.example', credentials: corpayCredentials });
  const firstEvents = stationAdapterConfigDecider.decide(first, stationAdapterConfigDecider.initialState());

  it('fills defaults on the first configuration and names every field as changed', () => {
    assert.equal(firstEvents.length, 1);
    const data = firstEvents[0]!.data;
    assert.deepEqual(
      [data.timeouts, data.retry, data.circuitBreaker, data.pollIntervalMs, data.enabled],
      [DEFAULT_TUNING.timeouts, DEFAULT_TUNING.retry, DEFAULT_TUNING.circuitBreaker, 0, true],
    );
    assert.ok(data.changed.includes('baseUrl') && data.changed.includes('credentials.clientSecret'));
  });

  it('needs a base URL and every credential of the type, and no other', () => {
    given([])
      .when(configure({ credentials: corpayCredentials }))
      .thenRefuses('adapter_config_incomplete');
    given([])
      .when(configure({ baseUrl: 'https://corpay.example', credentials: { clientId: sealed(1) } }))
      .thenRefuses('adapter_config_incomplete');
    given([])
      .when(
        configure({
          baseUrl: 'https://corpay.example',
          credentials: { ...corpayCredentials, tenantKey: sealed(3) },
        }),
      )
      .thenRefuses('unknown_credential');
    given([])
      .when(
        configure({
          baseUrl: 'https://corpay.example',
          credentials: corpayCredentials,
          timeouts: { requestMs: 9_000, startConfirmMs: 5_000 },
        }),
      )
      .thenRefuses('invalid_adapter_config');
  });

  it('changes only what is given, names only that, and records nothing for no change', () => {
    const [changedEvent] = stationAdapterConfigDecider.decide(
      configure({ retry: { attempts: 5 } }),
      firstEvents.reduce(stationAdapterConfigDecider.evolve, stationAdapterConfigDecider.initialState()),
    );
    assert.deepEqual(changedEvent?.data.changed, ['retry']);
    assert.deepEqual(changedEvent?.data.retry, { ...DEFAULT_TUNING.retry, attempts: 5 });
    assert.deepEqual(changedEvent?.data.credentials, corpayCredentials);
    given(firstEvents)
      .when(configure({ baseUrl: 'https://corpay.example' }))
      .then([]);
    // A secret given is always a change: ciphertexts cannot be compared.
    const [rotated] = stationAdapterConfigDecider.decide(
      configure({ credentials: { clientSecret: sealed(9) } }),
      firstEvents.reduce(stationAdapterConfigDecider.evolve, stationAdapterConfigDecider.initialState()),
    );
    assert.deepEqual(rotated?.data.changed, ['credentials.clientSecret']);
  });
});
