import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LONGSHIP_WEBHOOK_MOUNT_PATH } from '../../src/integrations/cpms/longship/longship-webhook-router';
import { configureLongship, LONGSHIP_CREDENTIALS, startJourney, type Journey } from './journey-harness';

const CONTENT_TYPES = [
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/json',
  'text/plain',
  'application/json; charset=latin1',
];

const validEvent = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'https://api.longship.io/v1',
  type: 'OperationalStatusChanged',
  time: '2026-11-27T08:00:00.000Z',
  data: { chargePointId: 'LS-FUZZ', connectorNumber: 1, status: 'Charging' },
};

/** Bodies near a valid event (each field replaced by anything), whole random JSON, and raw text. */
const bodies = fc.oneof(
  fc
    .tuple(fc.constantFrom(...Object.keys(validEvent)), fc.jsonValue())
    .map(([field, value]) => JSON.stringify({ ...validEvent, [field]: value })),
  fc
    .tuple(fc.constantFrom('connectorNumber', 'status', 'chargePointId'), fc.jsonValue())
    .map(([field, value]) => JSON.stringify({ ...validEvent, data: { ...validEvent.data, [field]: value } })),
  fc.array(fc.constant(validEvent), { maxLength: 120 }).map((events) => JSON.stringify(events)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
);

describe('Journey: the mounted Longship receiver, with the secret configured, never answers 5xx', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney();
    await configureLongship(j);
  });
  after(() => j.close());

  it('answers 204, 400, 413 or 415 in the envelope to any body and content type (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom(...CONTENT_TYPES), async (body, contentType) => {
        const response = await fetch(`${j.h.api.url}${LONGSHIP_WEBHOOK_MOUNT_PATH}`, {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'x-longship-webhook-secret': LONGSHIP_CREDENTIALS.webhookSecret,
          },
          body,
        });
        const text = await response.text();
        const context = `${contentType} ${body.slice(0, 200)} -> ${response.status} ${text.slice(0, 200)}`;
        assert.ok([204, 400, 413, 415].includes(response.status), context);
        if (response.status !== 204) {
          const envelope = JSON.parse(text) as { error?: Record<string, unknown> };
          for (const field of ['type', 'code', 'message', 'requestId'])
            assert.equal(typeof envelope.error?.[field], 'string', context);
        }
      }),
      { seed: 20_261_127, numRuns: 150 },
    );
  });
});
