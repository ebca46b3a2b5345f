import assert from 'node:assert/strict';
import { MemoryCollection } from '../../src/infrastructure/read-store/memory-collection';
import type { StoredDocument } from '../../src/infrastructure/read-store/read-store';

/** Documents that put every kind of value in the indexed fields: scalars, objects, arrays, nothing. */
const seeded = async () => {
  const collection = new MemoryCollection<StoredDocument>();
  await collection.createIndex({ keys: { status: 1, createdAt: 1 } });
  await collection.createIndex({ keys: { 'stop.status': 1 } });
  await collection.createIndex({ keys: { settlement: 1 } });
  const docs: StoredDocument[] = [
    { _id: 'a', status: 'active', settlement: null },
    { _id: 'b', status: 'completed', settlement: { outcome: 'captured' } },
    { _id: 'c', status: 'completed', settlement: null },
    { _id: 'd', status: ['active', 'odd'], settlement: null },
    { _id: 'e', stop: { status: 'pending' }, status: 'stopping' },
    { _id: 'f', stop: [{ status: 'pending' }], status: 'failed', settlement: { outcome: 'voided' } },
    { _id: 'g' },
  ];
  for (const doc of docs) await collection.replaceOne({ _id: doc._id }, doc, { upsert: true });
  return collection;
};

const ids = (docs: StoredDocument[]) => docs.map((doc) => doc._id);

describe('in-memory field indexes', () => {
  it('answer equality, $eq, $in, null-or-missing and $or exactly as a scan would, in insertion order', async () => {
    const collection = await seeded();
    assert.deepEqual(ids(await collection.find({ status: 'active' })), ['a', 'd']);
    assert.deepEqual(ids(await collection.find({ status: { $eq: 'completed' } })), ['b', 'c']);
    assert.deepEqual(ids(await collection.find({ status: { $in: ['stopping', 'completed'] } })), [
      'b',
      'c',
      'e',
    ]);
    assert.deepEqual(ids(await collection.find({ status: null })), ['g']);
    assert.deepEqual(ids(await collection.find({ settlement: null })), ['a', 'c', 'd', 'e', 'g']);
    assert.deepEqual(ids(await collection.find({ 'stop.status': 'pending' })), ['e', 'f']);
    assert.deepEqual(
      ids(
        await collection.find({
          $or: [
            { status: { $in: ['active'] } },
            { status: { $in: ['completed', 'failed'] }, settlement: null },
            { 'stop.status': 'pending' },
          ],
        }),
      ),
      ['a', 'c', 'd', 'e', 'f'],
    );
    assert.deepEqual(ids(await collection.find({ status: { $ne: 'active' } })), ['b', 'c', 'e', 'f', 'g']);
  });

  it('follow updates and deletes', async () => {
    const collection = await seeded();
    await collection.updateOne({ _id: 'a' }, { $set: { status: 'completed' } });
    await collection.deleteOne({ _id: 'c' });
    await collection.updateOne({ _id: 'b' }, { $set: { settlement: null } });
    assert.deepEqual(ids(await collection.find({ status: 'completed', settlement: null })), ['a', 'b']);
    assert.deepEqual(ids(await collection.find({ status: 'active' })), ['d']);
    await collection.deleteMany({});
    assert.deepEqual(await collection.find({ status: 'completed' }), []);
  });
});
