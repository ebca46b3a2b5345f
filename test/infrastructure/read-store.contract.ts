import assert from 'node:assert/strict';
import {
  DuplicateKeyError,
  type ReadCollection,
  type ReadStore,
  type StoredDocument,
} from '../../src/infrastructure/read-store/read-store';

interface Person extends StoredDocument {
  name: string;
  age?: number;
  address?: { city: string; zip?: string };
  tags?: string[];
  visits?: number;
}

const alice: Person = { _id: 'p1', name: 'Alice', age: 34, address: { city: 'Istanbul', zip: '34000' } };
const bob: Person = { _id: 'p2', name: 'Bob', age: 27, address: { city: 'Ankara' }, tags: ['vip'] };
const carol: Person = { _id: 'p3', name: 'Carol', age: 41, address: { city: 'Izmir' } };
const dave: Person = { _id: 'p4', name: 'Dave', age: 27, address: { city: 'Istanbul' } };

const ids = (docs: StoredDocument[]): string[] => docs.map((doc) => doc._id);
const sortedIds = (docs: StoredDocument[]): string[] => ids(docs).sort();

export interface ReadStoreContractOptions {
  /** Opens the adapter under test; called once for the suite. */
  open: () => Promise<ReadStore>;
  /** Releases it (and whatever it created) after the suite. */
  dispose: (store: ReadStore) => Promise<void>;
  volatile: boolean;
}

/** The behaviour every ReadStore adapter must share; projections rely on nothing else. */
export const readStoreContract = (adapterName: string, options: ReadStoreContractOptions): void => {
  describe(`ReadStore contract: ${adapterName}`, () => {
    let store: ReadStore;
    let people: ReadCollection<Person>;

    const seed = async (...docs: Person[]): Promise<void> => {
      for (const doc of docs) await people.replaceOne({ _id: doc._id }, doc, { upsert: true });
    };

    before(async () => {
      store = await options.open();
    });

    after(async () => {
      await options.dispose(store);
    });

    beforeEach(async () => {
      await store.dropAll();
      people = store.collection<Person>('people');
    });

    it('tells whether it keeps anything across restarts', () => {
      assert.equal(store.volatile, options.volatile);
    });

    it('answers ping', async () => {
      await store.ping();
    });

    describe('finding', () => {
      beforeEach(async () => seed(alice, bob, carol, dave));

      it('finds one document by _id, or null', async () => {
        assert.deepEqual(await people.findOne({ _id: 'p2' }), bob);
        assert.equal(await people.findOne({ _id: 'nope' }), null);
      });

      it('finds one document by another field', async () => {
        assert.deepEqual(await people.findOne({ name: 'Carol' }), carol);
      });

      it('matches $eq and $in on nested fields', async () => {
        assert.deepEqual(sortedIds(await people.find({ 'address.city': { $eq: 'Istanbul' } })), ['p1', 'p4']);
        assert.deepEqual(sortedIds(await people.find({ 'address.city': 'Istanbul' })), ['p1', 'p4']);
        assert.deepEqual(sortedIds(await people.find({ 'address.city': { $in: ['Ankara', 'Izmir'] } })), [
          'p2',
          'p3',
        ]);
      });

      it('matches $gt and $lt', async () => {
        assert.deepEqual(sortedIds(await people.find({ age: { $gt: 27, $lt: 41 } })), ['p1']);
        assert.deepEqual(sortedIds(await people.find({ age: { $lt: 30 } })), ['p2', 'p4']);
      });

      it('matches $and and $or', async () => {
        const both = await people.find({ $and: [{ 'address.city': 'Istanbul' }, { age: { $gt: 30 } }] });
        assert.deepEqual(ids(both), ['p1']);
        const either = await people.find({ $or: [{ 'address.city': 'Izmir' }, { tags: 'vip' }] });
        assert.deepEqual(sortedIds(either), ['p2', 'p3']);
      });

      it('matches a missing field with null, as MongoDB does', async () => {
        assert.deepEqual(sortedIds(await people.find({ 'address.zip': null })), ['p2', 'p3', 'p4']);
      });

      it('sorts on several keys, then skips and limits', async () => {
        const sorted = await people.find({}, { sort: { age: 1, name: -1 } });
        assert.deepEqual(ids(sorted), ['p4', 'p2', 'p1', 'p3']);
        const page = await people.find({}, { sort: { age: -1, _id: 1 }, skip: 1, limit: 2 });
        assert.deepEqual(ids(page), ['p1', 'p2']);
        const byNestedField = await people.find(
          { age: { $gt: 20 } },
          { sort: { 'address.city': 1, _id: 1 } },
        );
        assert.deepEqual(ids(byNestedField), ['p2', 'p1', 'p4', 'p3']);
      });

      it('counts documents, all or matching', async () => {
        assert.equal(await people.countDocuments(), 4);
        assert.equal(await people.countDocuments({}), 4);
        assert.equal(await people.countDocuments({ age: 27 }), 2);
        assert.equal(await people.countDocuments({ age: 99 }), 0);
      });
    });

    describe('replaceOne', () => {
      it('replaces the whole matching document', async () => {
        await seed(alice);
        assert.equal(await people.replaceOne({ _id: 'p1' }, { _id: 'p1', name: 'Alicia' }), true);
        assert.deepEqual(await people.findOne({ _id: 'p1' }), { _id: 'p1', name: 'Alicia' });
      });

      it('does nothing without a match unless upsert', async () => {
        assert.equal(await people.replaceOne({ _id: 'p1' }, alice), false);
        assert.equal(await people.countDocuments(), 0);
        assert.equal(await people.replaceOne({ _id: 'p1' }, alice, { upsert: true }), true);
        assert.deepEqual(await people.findOne({ _id: 'p1' }), alice);
      });
    });

    describe('updateOne', () => {
      beforeEach(async () => seed(alice, bob));

      it('applies $set (also on nested paths), $inc, $unset and $push', async () => {
        const matched = await people.updateOne(
          { _id: 'p2' },
          { $set: { name: 'Robert', 'address.zip': '06000' }, $inc: { age: 1 }, $push: { tags: 'new' } },
        );
        assert.equal(matched, true);
        await people.updateOne({ _id: 'p2' }, { $unset: { 'address.city': '' } });
        assert.deepEqual(await people.findOne({ _id: 'p2' }), {
          _id: 'p2',
          name: 'Robert',
          age: 28,
          address: { zip: '06000' },
          tags: ['vip', 'new'],
        });
      });

      it('creates missing fields with $inc and $push', async () => {
        await people.updateOne({ name: 'Alice' }, { $inc: { visits: 2 }, $push: { tags: 'first' } });
        const updated = await people.findOne({ _id: 'p1' });
        assert.equal(updated?.visits, 2);
        assert.deepEqual(updated?.tags, ['first']);
      });

      it('does nothing without a match unless upsert', async () => {
        assert.equal(await people.updateOne({ _id: 'p9' }, { $set: { name: 'Nobody' } }), false);
        assert.equal(await people.countDocuments(), 2);
      });

      it('upserts a document made of the filter equalities, the update and $setOnInsert', async () => {
        const inserted = await people.updateOne(
          { _id: 'p9', 'address.city': 'Bursa', age: { $gt: 10 } },
          { $set: { name: 'Nina' }, $inc: { visits: 1 }, $setOnInsert: { tags: ['created'] } },
          { upsert: true },
        );
        assert.equal(inserted, true);
        assert.deepEqual(await people.findOne({ _id: 'p9' }), {
          _id: 'p9',
          address: { city: 'Bursa' },
          name: 'Nina',
          visits: 1,
          tags: ['created'],
        });
      });

      it('ignores $setOnInsert when the upsert matches', async () => {
        await people.updateOne(
          { _id: 'p1' },
          { $set: { age: 35 }, $setOnInsert: { name: 'Replaced' } },
          { upsert: true },
        );
        assert.deepEqual(await people.findOne({ _id: 'p1' }), { ...alice, age: 35 });
      });

      it('refuses to change _id or to take an update without operators', async () => {
        await assert.rejects(people.updateOne({ _id: 'p1' }, { $set: { _id: 'other' } }));
        await assert.rejects(people.updateOne({ _id: 'p1' }, { name: 'no operator' }));
        assert.deepEqual(await people.findOne({ _id: 'p1' }), alice);
      });
    });

    describe('deleting', () => {
      beforeEach(async () => seed(alice, bob, carol, dave));

      it('deletes one matching document and tells whether it did', async () => {
        assert.equal(await people.deleteOne({ name: 'Bob' }), true);
        assert.equal(await people.deleteOne({ name: 'Bob' }), false);
        assert.deepEqual(sortedIds(await people.find({})), ['p1', 'p3', 'p4']);
      });

      it('deletes every matching document and counts them', async () => {
        assert.equal(await people.deleteMany({ age: 27 }), 2);
        assert.equal(await people.deleteMany({ age: 27 }), 0);
        assert.deepEqual(sortedIds(await people.find({})), ['p1', 'p3']);
        assert.equal(await people.deleteMany({}), 2);
        assert.equal(await people.countDocuments(), 0);
      });
    });

    describe('unique indexes', () => {
      beforeEach(async () => {
        await people.createIndex({ keys: { name: 1 }, unique: true, name: 'people_name_unique' });
        await seed(alice, bob);
      });

      it('finds by the indexed field, and follows the key when it changes or the document goes', async () => {
        assert.equal((await people.findOne({ name: 'Bob' }))?._id, bob._id);
        assert.equal(await people.findOne({ name: 'Nobody' }), null);
        await people.updateOne({ _id: bob._id }, { $set: { name: 'Robert' } });
        assert.equal(await people.findOne({ name: 'Bob' }), null);
        assert.equal((await people.findOne({ name: 'Robert' }))?._id, bob._id);
        await people.deleteOne({ _id: bob._id });
        assert.equal(await people.findOne({ name: 'Robert' }), null);
      });

      it('still matches inside an array value of the indexed field', async () => {
        await people.replaceOne(
          { _id: 'p9' },
          { _id: 'p9', name: ['Carol', 'Caroline'] as unknown as string },
          { upsert: true },
        );
        assert.equal((await people.findOne({ name: 'Caroline' }))?._id, 'p9');
        assert.equal((await people.findOne({ name: 'Alice' }))?._id, alice._id);
      });

      it('accepts the same index twice', async () => {
        await people.createIndex({ keys: { name: 1 }, unique: true, name: 'people_name_unique' });
      });

      it('refuses a replace or upsert that would duplicate a key, and keeps the stored documents', async () => {
        await assert.rejects(
          people.replaceOne({ _id: 'p5' }, { _id: 'p5', name: 'Alice' }, { upsert: true }),
          DuplicateKeyError,
        );
        await assert.rejects(
          people.replaceOne({ _id: 'p2' }, { _id: 'p2', name: 'Alice' }),
          DuplicateKeyError,
        );
        await assert.rejects(
          people.updateOne({ _id: 'p6' }, { $set: { name: 'Bob' } }, { upsert: true }),
          DuplicateKeyError,
        );
        assert.deepEqual(await people.find({}, { sort: { _id: 1 } }), [alice, bob]);
      });

      it('refuses an update that would duplicate a key', async () => {
        await assert.rejects(people.updateOne({ _id: 'p2' }, { $set: { name: 'Alice' } }), DuplicateKeyError);
        assert.deepEqual(await people.findOne({ _id: 'p2' }), bob);
      });

      it('lets a document keep its own key, and frees the key when it is changed or deleted', async () => {
        await people.replaceOne({ _id: 'p1' }, { ...alice, age: 35 });
        await people.updateOne({ _id: 'p1' }, { $set: { name: 'Alicia' } });
        await people.replaceOne({ _id: 'p5' }, { _id: 'p5', name: 'Alice' }, { upsert: true });
        await people.deleteOne({ _id: 'p2' });
        await people.replaceOne({ _id: 'p6' }, { _id: 'p6', name: 'Bob' }, { upsert: true });
        assert.deepEqual(sortedIds(await people.find({})), ['p1', 'p5', 'p6']);
      });

      it('refuses an upsert inserting an _id that exists but did not match the filter', async () => {
        await assert.rejects(
          people.updateOne({ _id: 'p1', name: 'Someone else' }, { $set: { age: 1 } }, { upsert: true }),
          DuplicateKeyError,
        );
      });

      it('enforces compound keys on the combination', async () => {
        const visits = store.collection('visits');
        await visits.createIndex({ keys: { personId: 1, day: -1 }, unique: true });
        await visits.replaceOne(
          { _id: 'v1' },
          { _id: 'v1', personId: 'p1', day: '2026-01-01' },
          { upsert: true },
        );
        await visits.replaceOne(
          { _id: 'v2' },
          { _id: 'v2', personId: 'p1', day: '2026-01-02' },
          { upsert: true },
        );
        await visits.replaceOne(
          { _id: 'v3' },
          { _id: 'v3', personId: 'p2', day: '2026-01-01' },
          { upsert: true },
        );
        await assert.rejects(
          visits.replaceOne(
            { _id: 'v4' },
            { _id: 'v4', personId: 'p1', day: '2026-01-02' },
            { upsert: true },
          ),
          DuplicateKeyError,
        );
        assert.equal(await visits.countDocuments(), 3);
      });

      it('refuses to create a unique index over existing duplicates', async () => {
        await people.replaceOne({ _id: 'p4' }, dave, { upsert: true });
        await people.replaceOne({ _id: 'p5' }, { ...dave, _id: 'p5', name: 'David' }, { upsert: true });
        await assert.rejects(people.createIndex({ keys: { age: 1 }, unique: true }), DuplicateKeyError);
      });
    });

    describe('isolation', () => {
      it('returns copies: changing a returned document changes nothing stored', async () => {
        await seed(bob);
        const found = await people.findOne({ _id: 'p2' });
        assert.ok(found?.address && found.tags);
        found.address.city = 'Changed';
        found.tags.push('changed');
        const [listed] = await people.find({ _id: 'p2' });
        assert.ok(listed?.address);
        listed.address.city = 'Changed too';
        assert.deepEqual(await people.findOne({ _id: 'p2' }), bob);
      });

      it('stores copies: changing a written document or update afterwards changes nothing stored', async () => {
        const written: Person = { _id: 'p7', name: 'Gul', address: { city: 'Mersin' } };
        await people.replaceOne({ _id: 'p7' }, written, { upsert: true });
        written.address!.city = 'Changed';
        const pushed = { label: 'a' };
        const zip = { zip: '33000' };
        await people.updateOne({ _id: 'p7' }, { $set: { extra: zip }, $push: { tags: pushed } });
        zip.zip = 'Changed';
        pushed.label = 'Changed';
        assert.deepEqual(await people.findOne({ _id: 'p7' }), {
          _id: 'p7',
          name: 'Gul',
          address: { city: 'Mersin' },
          extra: { zip: '33000' },
          tags: [{ label: 'a' }],
        });
      });
    });

    describe('dropAll', () => {
      it('empties every collection and drops their indexes; earlier handles stay usable', async () => {
        await people.createIndex({ keys: { name: 1 }, unique: true });
        await seed(alice, bob);
        const others = store.collection('others');
        await others.replaceOne({ _id: 'o1' }, { _id: 'o1' }, { upsert: true });

        await store.dropAll();

        assert.equal(await people.countDocuments(), 0);
        assert.equal(await others.countDocuments(), 0);
        await seed(alice, { ...alice, _id: 'p8' });
        assert.equal(await people.countDocuments({ name: 'Alice' }), 2);
      });
    });
  });
};
