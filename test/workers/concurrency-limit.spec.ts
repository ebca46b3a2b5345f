import assert from 'node:assert/strict';
import { ConcurrencyLimit, ConcurrencyLimitClosedError } from '../../src/workers/concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once, the rest in the order they asked', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      limit.run(async () => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return n;
      }),
    );
    for (let settled = 0; settled < 5; settled += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4]);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
  });

  it('frees the slot of a task that throws', async () => {
    const limit = new ConcurrencyLimit(1);
    await assert.rejects(
      limit.run(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await limit.run(async () => 'next'), 'next');
  });

  it('refuses a limit below one', () => {
    assert.throws(() => new ConcurrencyLimit(0), RangeError);
  });
});

describe('ConcurrencyLimit, closed', () => {
  it('refuses the waiting tasks and later ones, and lets the running one finish', async () => {
    const limit = new ConcurrencyLimit(1);
    let release!: () => void;
    const running = limit.run(() => new Promise<string>((resolve) => (release = () => resolve('ran'))));
    const waiting = limit.run(async () => 'should not run');
    await new Promise((resolve) => setImmediate(resolve));
    limit.close();
    await assert.rejects(waiting, ConcurrencyLimitClosedError);
    await assert.rejects(
      limit.run(async () => 'later'),
      ConcurrencyLimitClosedError,
    );
    release();
    assert.equal(await running, 'ran');
  });
});
