import assert from 'node:assert/strict';
import type { StreamHead } from '../../src/infrastructure/event-store/event-store';
import { StreamHeadCache } from '../../src/infrastructure/event-store/stream-head-cache';

describe('StreamHeadCache', () => {
  let othersMark = 1;
  let marksRead = 0;
  let now = 0;
  let reads = 0;
  const stored = new Map<string, StreamHead>();
  const read = (name: string) => () => {
    reads += 1;
    return stored.get(name);
  };
  const cacheWith = (options: { checkEveryMs?: number; maxStreams?: number } = {}) =>
    new StreamHeadCache({
      writesByOthers: () => {
        marksRead += 1;
        return othersMark;
      },
      now: () => now,
      checkEveryMs: 20,
      ...options,
    });
  beforeEach(() => {
    othersMark = 1;
    marksRead = 0;
    now = 0;
    reads = 0;
    stored.clear();
  });

  it('reads a head once while no other connection commits, absent streams included', () => {
    const cache = cacheWith();
    stored.set('a', { revision: 0, position: 5n });
    for (let i = 0; i < 3; i++) {
      now += 30;
      assert.deepEqual(cache.headOf('a', read('a')), { revision: 0, position: 5n });
      assert.equal(cache.headOf('missing', read('missing')), undefined);
    }
    assert.equal(reads, 2);
  });

  it("reads again at once after this connection's own append to that stream, and only that stream", () => {
    const cache = cacheWith();
    stored.set('a', { revision: 0, position: 5n });
    stored.set('b', { revision: 0, position: 6n });
    cache.headOf('a', read('a'));
    cache.headOf('b', read('b'));
    stored.set('a', { revision: 1, position: 7n });
    cache.forget('a');
    assert.deepEqual(cache.headOf('a', read('a')), { revision: 1, position: 7n });
    assert.deepEqual(cache.headOf('b', read('b')), { revision: 0, position: 6n });
    assert.equal(reads, 3);
  });

  it("answers this connection's own append from what it remembered, without a read", () => {
    const cache = cacheWith();
    cache.headOf('a', read('a'));
    cache.forget('a');
    cache.remember('a', { revision: 0, position: 3n });
    assert.deepEqual(cache.headOf('a', read('a')), { revision: 0, position: 3n });
    assert.equal(reads, 1);
  });

  it('drops every head once another connection has committed, within its check interval', () => {
    const cache = cacheWith();
    stored.set('a', { revision: 0, position: 5n });
    cache.headOf('a', read('a'));
    cache.headOf('b', read('b'));
    stored.set('a', { revision: 1, position: 9n });
    stored.set('b', { revision: 0, position: 10n });
    othersMark = 2;
    now += 19;
    assert.deepEqual(cache.headOf('a', read('a')), { revision: 0, position: 5n }, 'not yet checked');
    now += 1;
    assert.deepEqual(cache.headOf('a', read('a')), { revision: 1, position: 9n });
    assert.deepEqual(cache.headOf('b', read('b')), { revision: 0, position: 10n });
    assert.equal(reads, 4);
  });

  it('asks for the other connections’ mark at most once per interval', () => {
    const cache = cacheWith();
    for (let i = 0; i < 100; i++) {
      now += 1;
      cache.headOf('a', read('a'));
    }
    assert.equal(marksRead, 5);
  });

  it('starts over instead of growing past its bound', () => {
    const cache = cacheWith({ maxStreams: 2 });
    for (const name of ['a', 'b', 'c']) cache.headOf(name, read(name));
    cache.headOf('c', read('c'));
    assert.equal(reads, 3);
    cache.headOf('a', read('a'));
    assert.equal(reads, 4);
  });
});
