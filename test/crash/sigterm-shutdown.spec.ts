import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../../src/commands/api-keys/api-key.service';
import { systemContext } from '../../src/commands/command-context';
import { systemClock } from '../../src/infrastructure/clock';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import { createBody } from '../http/payment-intents.fixtures';
import { spawnGateway } from '../support/gateway-process';

describe('SIGTERM: the gateway drains and exits cleanly', function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-sigterm-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers the requests in flight, then exits 0', async () => {
    const store = createEventStore({ dataDir });
    const { key } = await issueApiKey(
      { eventStore: store, clock: systemClock },
      { name: 'sigterm', merchantId: 'mer_sigterm', scopes: ['payments:write'], environment: 'test' },
      systemContext('sigterm-test'),
    );
    await store.close();

    const gateway = await spawnGateway({ EDGEPAY_DATA_DIR: dataDir });
    const send = () =>
      fetch(`${gateway.url}/v1/payment-intents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify(createBody()),
      });
    // The API key reaches the projector by polling the shared SQLite file: wait until it is accepted.
    for (let tries = 0; (await send()).status === 401; tries++) {
      assert.ok(tries < 100, 'the key was never accepted');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const inFlight = Array.from({ length: 10 }, send);
    await inFlight[0];
    gateway.child.kill('SIGTERM');
    const statuses = await Promise.all(
      inFlight.map((request) =>
        request.then(
          (response) => response.status,
          () => 'refused',
        ),
      ),
    );
    assert.equal(await gateway.exited, 0);
    // A request either completed (201) or was never accepted; none was cut off with a 5xx.
    for (const status of statuses) assert.ok(status === 201 || status === 'refused', String(status));
    assert.ok(statuses.includes(201));
  });
});
