import assert from 'node:assert/strict';
import type {
  IdempotencyStore,
  StoredResponse,
} from '../../src/infrastructure/idempotency/idempotency-store';

export interface IdempotencyStoreHarness {
  store: IdempotencyStore;
  /** Closes the store and removes whatever it wrote. */
  dispose(): Promise<void>;
}

const minute = 60_000;
const day = 24 * 60 * minute;
const created: StoredResponse = {
  status: 201,
  body: { id: 'pi_01', object: 'payment_intent', metadata: { 'odd.key': 1, $odd: true } },
  headers: { etag: '"1"', 'x-request-id': 'req_1' },
};

/** The behaviour every IdempotencyStore adapter shares. */
export const idempotencyStoreContract = (
  name: string,
  open: () => Promise<IdempotencyStoreHarness>,
): void => {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let harness: IdempotencyStoreHarness;
    let store: IdempotencyStore;
    // Real time, not a fixed date: MongoDB's TTL monitor compares stored dates with the server's clock.
    let t0: number;
    const claimAt = (now: number, over: Partial<{ scope: string; key: string; requestHash: string }> = {}) =>
      store.claim({
        scope: 'key_a',
        key: 'idem-1',
        requestHash: 'hash-1',
        now,
        lockMs: minute,
        ttlMs: day,
        ...over,
      });

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
      t0 = Date.now();
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('claims a new key, then replays the completed response', async () => {
      assert.deepEqual(await claimAt(t0), { outcome: 'claimed' });
      await store.complete('key_a', 'idem-1', created);

      const again = await claimAt(t0 + minute * 5, { requestHash: 'hash-2' });
      assert.equal(again.outcome, 'completed');
      assert.equal(
        again.record.requestHash,
        'hash-1',
        'keeps the first request hash so the caller can answer 422',
      );
      assert.equal(again.record.state, 'completed');
      assert.deepEqual(again.record.response, created);
      assert.equal(again.record.expiresAt, t0 + day);
    });

    it('records a response whose body comes serialized as the same response', async () => {
      assert.deepEqual(await claimAt(t0), { outcome: 'claimed' });
      await store.complete('key_a', 'idem-1', { ...created, bodyJson: JSON.stringify(created.body) });
      const again = await claimAt(t0 + minute);
      assert.equal(again.outcome, 'completed');
      assert.deepEqual(again.record.response, created);
    });

    it('reports an in-flight claim while its lock holds', async () => {
      await claimAt(t0);
      const second = await claimAt(t0 + minute);
      assert.equal(second.outcome, 'in_flight');
      assert.deepEqual(
        { ...second.record },
        {
          scope: 'key_a',
          key: 'idem-1',
          requestHash: 'hash-1',
          state: 'in_flight',
          lockedUntil: t0 + minute,
          expiresAt: t0 + day,
        },
      );
    });

    it('lets a new request take over an in-flight claim whose lock expired', async () => {
      await claimAt(t0);
      assert.deepEqual(await claimAt(t0 + minute + 1, { requestHash: 'hash-2' }), { outcome: 'claimed' });
      const after = await claimAt(t0 + minute + 2);
      assert.ok(after.outcome === 'in_flight');
      assert.equal(after.record.requestHash, 'hash-2');
      assert.equal(after.record.lockedUntil, t0 + 2 * minute + 1);
    });

    it('never takes over a completed record before it expires', async () => {
      await claimAt(t0);
      await store.complete('key_a', 'idem-1', created);
      assert.equal((await claimAt(t0 + day)).outcome, 'completed');
    });

    it('treats an expired record as absent', async () => {
      await claimAt(t0);
      await store.complete('key_a', 'idem-1', created);
      assert.deepEqual(await claimAt(t0 + day + 1, { requestHash: 'hash-2' }), { outcome: 'claimed' });
      const after = await claimAt(t0 + day + 2);
      assert.ok(after.outcome === 'in_flight');
      assert.equal(after.record.requestHash, 'hash-2');
      assert.equal(after.record.response, undefined, 'the old response is gone');
    });

    it('purges expired records only', async () => {
      await claimAt(t0, { key: 'short' });
      await store.claim({
        scope: 'key_a',
        key: 'shorter',
        requestHash: 'h',
        now: t0,
        lockMs: minute,
        ttlMs: 10,
      });
      await claimAt(t0, { key: 'long' });
      assert.equal(await store.purgeExpired(t0 + day), 1);
      assert.equal((await claimAt(t0 + 1, { key: 'short' })).outcome, 'in_flight');
      assert.equal((await claimAt(t0 + 1, { key: 'long' })).outcome, 'in_flight');
      assert.equal((await claimAt(t0 + 1, { key: 'shorter' })).outcome, 'claimed');
    });

    it('releases an in-flight claim so the client may retry', async () => {
      await claimAt(t0);
      await store.release('key_a', 'idem-1');
      assert.deepEqual(await claimAt(t0 + 1), { outcome: 'claimed' });
    });

    it('keeps a completed record on release and the first response on a second complete', async () => {
      await claimAt(t0);
      await store.complete('key_a', 'idem-1', created);
      await store.release('key_a', 'idem-1');
      await store.complete('key_a', 'idem-1', { status: 500, body: null, headers: {} });
      const after = await claimAt(t0 + 1);
      assert.ok(after.outcome === 'completed');
      assert.deepEqual(after.record.response, created);
    });

    it('gives exactly one of 20 concurrent claims of one key', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => claimAt(t0, { requestHash: `hash-${i}` })),
      );
      const outcomes = results.map((result) => result.outcome);
      assert.equal(outcomes.filter((outcome) => outcome === 'claimed').length, 1);
      assert.equal(outcomes.filter((outcome) => outcome === 'in_flight').length, 19);
    });

    it('isolates scopes and keys', async () => {
      assert.equal((await claimAt(t0, { scope: 'key_a' })).outcome, 'claimed');
      assert.equal((await claimAt(t0, { scope: 'key_b' })).outcome, 'claimed');
      assert.equal((await claimAt(t0, { scope: 'key_a', key: 'idem-2' })).outcome, 'claimed');
      await store.complete('key_b', 'idem-1', created);
      assert.equal((await claimAt(t0, { scope: 'key_a' })).outcome, 'in_flight');
      await store.release('key_a', 'idem-1');
      assert.equal((await claimAt(t0, { scope: 'key_b' })).outcome, 'completed');
    });

    it('answers ping', async () => {
      await store.ping();
    });
  });
};
