import assert from 'node:assert/strict';
import {
  ConcurrencyConflictError,
  PreconditionFailedError,
  handleCommand,
} from '../../src/commands/command-handler';
import type { CommandContext } from '../../src/commands/command-context';
import { paymentIntentDecider } from '../../src/domain/payment-intent/payment-intent.decider';
import { paymentIntentEventCodec } from '../../src/domain/payment-intent/payment-intent.events';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import {
  WrongExpectedRevisionError,
  type EventStore,
} from '../../src/infrastructure/event-store/event-store';
import { authorize, capture, create } from '../domain/payment-intent/payment-intent.fixtures';

const aggregate = { decider: paymentIntentDecider, codec: paymentIntentEventCodec };
const STREAM = 'payment_intent-pi_1';
const context = (key?: string): CommandContext => ({
  correlationId: 'req_1',
  actor: { id: 'key_1', kind: 'api_key' },
  ...(key ? { idempotency: { scope: 'key_1', key } } : {}),
});

describe('command handler', () => {
  let store: EventStore;
  beforeEach(() => {
    store = createEventStore({ url: 'sqlite::memory:', dataDir: '' });
  });
  afterEach(() => store.close());

  it('appends the decided events with metadata, and returns the new version and stream', async () => {
    const result = await handleCommand(store, aggregate, STREAM, create(), context());
    assert.equal(result.version, 1);
    assert.equal(result.state.status, 'requires_authorization');
    const [event] = await store.readStream(STREAM);
    assert.equal(event?.type, 'PaymentIntentCreated');
    assert.deepEqual(event?.metadata.actor, { id: 'key_1', kind: 'api_key' });
    assert.equal(event?.metadata.correlationId, 'req_1');
    assert.equal(event?.metadata.occurredAt, create().now);
  });

  it('answers PreconditionFailed when the expected version is not the current one, appending nothing', async () => {
    await handleCommand(store, aggregate, STREAM, create(), context());
    await assert.rejects(
      handleCommand(store, aggregate, STREAM, authorize(), context(), { expectedVersion: 3 }),
      PreconditionFailedError,
    );
    assert.equal((await store.readStream(STREAM)).length, 1);
  });

  it('retries against the new state when it loses a race, so the decision sees the winner', async () => {
    await handleCommand(store, aggregate, STREAM, create(), context());
    await handleCommand(store, aggregate, STREAM, authorize(), context());
    const racing = Object.create(store) as EventStore;
    let raced = false;
    racing.appendToStream = async (name, events, expected) => {
      if (!raced) {
        raced = true;
        await handleCommand(store, aggregate, STREAM, capture(4_000), context());
      }
      return store.appendToStream(name, events, expected);
    };
    await assert.rejects(
      handleCommand(racing, aggregate, STREAM, capture(3_000), context()),
      /cannot capture/,
    );
  });

  it('gives up with ConcurrencyConflictError after bounded retries', async () => {
    await handleCommand(store, aggregate, STREAM, create(), context());
    const alwaysLosing = Object.create(store) as EventStore;
    alwaysLosing.appendToStream = async (name) => {
      throw new WrongExpectedRevisionError(name, 0, 5);
    };
    await assert.rejects(
      handleCommand(alwaysLosing, aggregate, STREAM, authorize(), context()),
      ConcurrencyConflictError,
    );
  });

  it('does not apply a command twice when its Idempotency-Key is already in the stream', async () => {
    await handleCommand(store, aggregate, STREAM, create(), context('k-create'));
    await handleCommand(store, aggregate, STREAM, authorize(), context('k-auth'));
    const retried = await handleCommand(store, aggregate, STREAM, authorize(), context('k-auth'));
    assert.deepEqual(retried.appended, []);
    assert.equal(retried.version, 2);
    assert.equal((await store.readStream(STREAM)).length, 2);
  });

  it('derives event ids from the Idempotency-Key, so a retried append is recognised by the store', async () => {
    const first = await handleCommand(store, aggregate, 'payment_intent-pi_a', create(), context('same'));
    const other = createEventStore({ url: 'sqlite::memory:', dataDir: '' });
    try {
      const again = await handleCommand(other, aggregate, 'payment_intent-pi_a', create(), context('same'));
      assert.equal(again.appended[0]?.id, first.appended[0]?.id);
    } finally {
      await other.close();
    }
  });
});
