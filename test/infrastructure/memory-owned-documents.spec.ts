import assert from 'node:assert/strict';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import {
  DuplicateKeyError,
  ownedDocumentsOf,
  type ReadCollection,
  type StoredDocument,
} from '../../src/infrastructure/read-store/read-store';

interface Intent extends StoredDocument {
  status: string;
  reference?: string;
}

describe('in-memory read store: documents handed to the projection runner', () => {
  let store: MemoryReadStore;
  let intents: ReadCollection<Intent>;

  beforeEach(async () => {
    store = new MemoryReadStore();
    intents = store.collection<Intent>('intents');
    await intents.createIndex({ keys: { status: 1 } });
    await intents.createIndex({ keys: { reference: 1 }, unique: true });
  });

  const owned = () => {
    const documents = ownedDocumentsOf(intents);
    assert.ok(documents, 'the in-memory collection offers its documents');
    return documents;
  };

  it('puts, reads and deletes through the same indexes the collection API uses', async () => {
    owned().put({ _id: 'pi_1', status: 'authorized', reference: 'r1' });
    assert.deepEqual(await intents.find({ status: 'authorized' }), [
      { _id: 'pi_1', status: 'authorized', reference: 'r1' },
    ]);
    owned().put({ _id: 'pi_1', status: 'captured', reference: 'r1' });
    assert.deepEqual(await intents.find({ status: 'authorized' }), []);
    assert.equal(owned().get('pi_1')?.status, 'captured');
    owned().delete('pi_1');
    assert.equal(owned().get('pi_1'), null);
    assert.equal(await intents.countDocuments({ status: 'captured' }), 0);
  });

  it('refuses a document a unique index forbids', () => {
    owned().put({ _id: 'pi_1', status: 'authorized', reference: 'r1' });
    assert.throws(
      () => owned().put({ _id: 'pi_2', status: 'authorized', reference: 'r1' }),
      DuplicateKeyError,
    );
    assert.equal(owned().get('pi_2'), null);
  });

  it('still copies for every other caller', async () => {
    owned().put({ _id: 'pi_1', status: 'authorized' });
    const read = await intents.findOne({ _id: 'pi_1' });
    if (read) read.status = 'tampered';
    assert.equal(owned().get('pi_1')?.status, 'authorized');
  });

  it('is not offered by a collection whose writes were replaced', () => {
    const decorated = Object.assign(Object.create(intents) as ReadCollection<Intent>, {
      replaceOne: intents.replaceOne.bind(intents),
    });
    assert.equal(ownedDocumentsOf(decorated), undefined);
  });
});
