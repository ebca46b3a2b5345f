import assert from 'node:assert/strict';
import { packPosition, unpackPosition } from '../../src/infrastructure/event-store/eventstoredb-event-store';

describe('EventStoreDB positions packed into one bigint', () => {
  const pairs = [
    { commit: 0n, prepare: 0n },
    { commit: 1_000n, prepare: 1_000n },
    { commit: 1_000n, prepare: 1_180n },
    { commit: 1_000n, prepare: 1_360n },
    { commit: 1_540n, prepare: 1_400n },
    { commit: 1_540n, prepare: 1_540n },
    { commit: 9_007_199_254_740_993n, prepare: 9_007_199_254_740_000n },
    { commit: 9_007_199_254_740_993n, prepare: 9_007_199_254_741_500n },
  ];

  it('round-trips every (commit, prepare) pair', () => {
    for (const pair of pairs) assert.deepEqual(unpackPosition(packPosition(pair)), pair);
  });

  it("keeps $all's order: by commit, then by prepare", () => {
    const packed = pairs.map(packPosition);
    for (let i = 1; i < packed.length; i++)
      assert.ok(packed[i - 1]! < packed[i]!, `pair ${i} is out of order`);
  });
});
