import assert from 'node:assert/strict';
import type { TerminalEvent } from '../../../src/domain/terminal/terminal.events';
import {
  terminalFromStream,
  terminalProjection,
} from '../../../src/projections/terminals/terminal.projection';
import { givenProjection, recordedEvent, sequenced } from '../../support/projection-spec';
import { decideAll } from './terminal-events';

const recorded = (events: TerminalEvent[]) =>
  events.map((event, index) =>
    recordedEvent('terminal-trm_a', event.type, event.data as Record<string, unknown>, {
      metadata: {
        correlationId: 'c',
        actor: { id: 'key_1', kind: 'api_key' },
        occurredAt: new Date(Date.parse('2026-03-01T10:00:00.000Z') + index * 1000).toISOString(),
        schemaVersion: 1,
      },
    }),
  );

describe('terminal projection', () => {
  const events = decideAll('trm_a', [
    { type: 'register', model: 'A920', firmwareVersion: '1.0.0' },
    { type: 'report', readings: { paper: { status: 'low' }, firmwareVersion: '1.2.0' } },
    { type: 'status', status: 'maintenance' },
    { type: 'rotate' },
  ]);

  it('follows registration, health, connectivity, status and credential', () => {
    const doc = terminalFromStream(sequenced(recorded(events)));
    assert.ok(doc);
    assert.deepEqual(
      {
        status: doc.status,
        connectivity: doc.connectivity,
        firmwareVersion: doc.firmwareVersion,
        problems: doc.health.problems,
        lastSeenAt: doc.lastSeenAt,
        credentialId: doc.credentialId,
        version: doc.version,
        createdAt: doc.createdAt,
        updatedAt: doc.updatedAt,
      },
      {
        status: 'maintenance',
        connectivity: 'online',
        firmwareVersion: '1.2.0',
        problems: ['paper_low'],
        lastSeenAt: '2026-03-01T10:00:01.000Z',
        credentialId: 'key_trm_a_3',
        version: 5,
        createdAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-01T10:00:04.000Z',
      },
    );
  });

  it('gives the same document through the runner fold as from the stream', () => {
    const expected = terminalFromStream(sequenced(recorded(events)));
    assert.ok(expected);
    givenProjection(terminalProjection).given(recorded(events)).then(expected);
  });

  it('ignores events for a terminal it never saw registered', () =>
    givenProjection(terminalProjection)
      .given(recorded(events.slice(1)))
      .thenNoDocument('trm_a'));
});
