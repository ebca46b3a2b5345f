import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Response } from 'express';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import {
  ownedDocumentsOf,
  type ReadCollection,
  type StoredDocument,
} from '../../src/infrastructure/read-store/read-store';
import { applyProjections, projectionsByEventType } from '../../src/projections/apply-projections';
import type { Projection } from '../../src/projections/projection';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import { readOnlyDocument } from '../../src/infrastructure/read-store/read-only-document';
import { resourceJson, sendResource, toResource } from '../../src/http/resource';
import fc from 'fast-check';

interface Intent extends StoredDocument {
  id: string;
  version: number;
  amount: number;
  note?: { text: string };
}

const intentProjection: Projection<Intent> = {
  name: 'intents',
  collection: 'intents',
  eventTypes: ['Amounted'],
  documentId: (event) => event.streamName,
  evolve: (doc, event) => {
    const { amount } = event.data as { amount: number };
    return {
      _id: event.streamName,
      id: event.streamName,
      version: (doc?.version ?? 0) + 1,
      amount,
      note: { text: `amount ${amount}` },
    };
  },
};

let position = 0n;
const amounted = (streamName: string, amount: number): RecordedEvent =>
  ({
    streamName,
    type: 'Amounted',
    data: { amount },
    position: (position += 1n),
  }) as unknown as RecordedEvent;

describe('HTTP: a resource read without a copy and sent without building it', () => {
  let store: MemoryReadStore;
  let intents: ReadCollection<Intent>;
  const project = (...events: RecordedEvent[]) =>
    applyProjections(
      store,
      projectionsByEventType([intentProjection as unknown as Projection<StoredDocument>]),
      events,
    );

  beforeEach(() => {
    store = new MemoryReadStore();
    intents = store.collection<Intent>('intents');
  });

  it('reads the stored document, not a copy, as the projections leave it', async () => {
    await project(amounted('pi_1', 100));
    const first = await readOnlyDocument(intents, 'pi_1');
    assert.ok(first);
    assert.deepEqual(JSON.parse(resourceJson(first)), {
      id: 'pi_1',
      version: 1,
      amount: 100,
      note: { text: 'amount 100' },
    });
    assert.equal(first, ownedDocumentsOf(intents)?.get('pi_1'), 'the stored document, not a copy');

    await project(amounted('pi_1', 250));
    const second = await readOnlyDocument(intents, 'pi_1');
    assert.deepEqual(JSON.parse(resourceJson(second!)), {
      id: 'pi_1',
      version: 2,
      amount: 250,
      note: { text: 'amount 250' },
    });
    assert.equal(await readOnlyDocument(intents, 'pi_2'), null);
  });

  it('follows writes made through the collection API, deletes and a rebuild from zero', async () => {
    await project(amounted('pi_1', 100));
    await readOnlyDocument(intents, 'pi_1');
    await intents.updateOne({ _id: 'pi_1' }, { $set: { amount: 7 } });
    assert.equal(JSON.parse(resourceJson((await readOnlyDocument(intents, 'pi_1'))!)).amount, 7);
    await intents.replaceOne({ _id: 'pi_1' }, { _id: 'pi_1', id: 'pi_1', version: 9, amount: 8 });
    assert.equal(JSON.parse(resourceJson((await readOnlyDocument(intents, 'pi_1'))!)).amount, 8);
    await intents.deleteOne({ _id: 'pi_1' });
    assert.equal(await readOnlyDocument(intents, 'pi_1'), null);
    await project(amounted('pi_1', 5));
    await store.dropAll();
    assert.equal(await readOnlyDocument(intents, 'pi_1'), null);
    await project(amounted('pi_1', 6));
    assert.equal(JSON.parse(resourceJson((await readOnlyDocument(intents, 'pi_1'))!)).amount, 6);
  });

  it('reads through findOne once it is replaced on the collection itself, after earlier reads', async () => {
    await project(amounted('pi_1', 100));
    assert.equal((await readOnlyDocument(intents, 'pi_1'))?.amount, 100);
    const failing = intents as ReadCollection<Intent> & { findOne: ReadCollection<Intent>['findOne'] };
    failing.findOne = async () => {
      throw new Error('read store down');
    };
    await assert.rejects(readOnlyDocument(intents, 'pi_1'), /read store down/);
  });

  it('reads through a collection whose reads were replaced, every time', async () => {
    await project(amounted('pi_1', 100));
    let reads = 0;
    const decorated = Object.assign(Object.create(intents) as ReadCollection<Intent>, {
      findOne: async (filter: Record<string, unknown>) => {
        reads++;
        return intents.findOne(filter);
      },
    });
    await readOnlyDocument(decorated, 'pi_1');
    await readOnlyDocument(decorated, 'pi_1');
    assert.equal(reads, 2);
  });

  it('serializes any document as JSON.stringify(toResource(doc)) would (property)', () => {
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
      fc.string({ unit: 'binary' }),
    );
    const storage = fc.record(
      {
        _id: fc.oneof(fc.string({ unit: 'binary' }), fc.constant('pi_1'), fc.constant(undefined), fc.nat()),
        _position: fc.oneof(fc.string(), fc.constant(undefined), fc.nat()),
      },
      { requiredKeys: [] },
    );
    const order = fc.constantFrom('storage first', 'storage last', 'id first, position last', 'id last');
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), value),
        storage,
        order,
        fc.boolean(),
        (fields, { _id, _position }, how, keyed) => {
          const id = _id === undefined && !keyed ? {} : { _id };
          const position = _position === undefined && !keyed ? {} : { _position };
          const doc = (
            how === 'storage first'
              ? { ...id, ...position, ...fields }
              : how === 'storage last'
                ? { ...fields, ...id, ...position }
                : how === 'id last'
                  ? { ...position, ...fields, ...id }
                  : { ...id, ...fields, ...position }
          ) as StoredDocument;
          assert.equal(resourceJson(doc), JSON.stringify(toResource(doc)));
        },
      ),
      { seed: 20_261_128, numRuns: 3_000 },
    );
  });

  describe('sent', () => {
    let server: Server;

    // The same document sent both ways, by the path's last segment.
    const send = async (res: Response, doc: Intent): Promise<void> => {
      if (res.req.params.how === 'built') {
        res.setHeader('ETag', `"${doc.version}"`);
        res.status(200).json(toResource(doc));
        return;
      }
      const sent = new MemoryReadStore().collection<Intent>('sent');
      await sent.replaceOne({ _id: doc._id }, doc, { upsert: true });
      sendResource(res, 200, (await readOnlyDocument(sent, doc._id))!);
    };

    before(async () => {
      const app = express();
      app.get('/:how', (req, res, next) => {
        send(res, { _id: 'pi_1', id: 'pi_1', version: 3, amount: 1, _position: '12' } as Intent).catch(next);
      });
      app.get('/wrapped/:how', (req, res, next) => {
        const json = res.json.bind(res);
        res.json = (body: unknown) => json({ wrapped: body });
        send(res, { _id: 'pi_1', id: 'pi_1', version: 3, amount: 1 } as Intent).catch(next);
      });
      server = await new Promise((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
    });
    after(() => server.close());

    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
      const headers = Object.fromEntries(
        [...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)),
      );
      return { status: response.status, headers, body: await response.text() };
    };

    it('with the status, ETag, content type and bytes res.json sends for the built resource', async () => {
      const expected = await get('/built');
      assert.equal(expected.headers.etag, '"3"');
      assert.deepEqual(await get('/sent'), expected);
    });

    it('through whatever wraps res.json', async () => {
      assert.deepEqual(await get('/wrapped/sent'), await get('/wrapped/built'));
      assert.match((await get('/wrapped/sent')).body, /"wrapped"/);
    });
  });
});
