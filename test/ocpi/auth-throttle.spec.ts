import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { ManualClock } from '../../src/infrastructure/clock';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { ocpiConformance } from '../support/ocpi-conformance';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('OCPI: failed authentications are throttled per address, like the API edge', () => {
  let api: TestGateway;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const conformance = ocpiConformance();

  before(async () => {
    api = await startTestGateway({
      clock,
      env: { AUTH_FAILURES_PER_MINUTE: '3' },
      ocpiExchanges: conformance.record,
    });
  });
  after(() => api.close());

  const versions = (token: string) =>
    api.request('GET', '/ocpi/versions', {
      headers: {
        Authorization: authorizationHeader(token, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
    });

  it('after the allowance, 401/2000 with Retry-After even for a good token, until the bucket refills', async () => {
    const ocpi = api.gateway.ocpi as OcpiRuntime;
    const { token } = await ocpi.parties.issueRegistrationToken(
      { name: 'cpo', acceptsUnencodedTokens: false },
      systemContext('test-throttle'),
    );
    assert.equal((await versions(token)).status, 200);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const wrong = await versions(`guess-${attempt}`);
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('retry-after'), null, `attempt ${attempt} is only a wrong token`);
    }
    const fourth = await versions('guess-4');
    assert.equal(fourth.status, 401);
    assert.equal(fourth.body.status_code, 2000);
    assert.ok(Number(fourth.headers.get('retry-after')) >= 1);

    const good = await versions(token);
    assert.equal(good.status, 401, 'no token is even looked up while throttled');
    assert.ok(good.headers.get('retry-after'));

    clock.advance(60_000);
    assert.equal((await versions(token)).status, 200);
  });

  it('every answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 5 });
  });
});
