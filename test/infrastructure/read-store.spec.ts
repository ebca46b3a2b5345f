import { randomUUID } from 'node:crypto';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import { MongoReadStore } from '../../src/infrastructure/read-store/mongo-read-store';
import { readStoreContract } from './read-store.contract';

readStoreContract('memory', {
  open: async () => new MemoryReadStore(),
  dispose: async (store) => store.close(),
  volatile: true,
});

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  readStoreContract('MongoDB', {
    // A database of its own per run, dropped afterwards, so parallel runs and real data are safe.
    open: async () => MongoReadStore.connect(mongoUrl, `edgepay_contract_${randomUUID().slice(0, 8)}`),
    dispose: async (store) => {
      await store.dropAll();
      await store.close();
    },
    volatile: false,
  });
}
