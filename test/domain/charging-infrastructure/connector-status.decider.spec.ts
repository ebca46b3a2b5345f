import {
  connectorStatusDecider,
  type RecordConnectorStatus,
} from '../../../src/domain/connector-status/connector-status.decider';
import type { ConnectorStatusEvent } from '../../../src/domain/connector-status/connector-status.events';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(connectorStatusDecider);
const NOW = '2026-11-27T08:30:00.000Z';

const observed = (
  status: RecordConnectorStatus['observation']['status'],
  observedAt: string,
  extra: Partial<RecordConnectorStatus['observation']> = {},
): RecordConnectorStatus => ({
  type: 'RecordConnectorStatus',
  now: NOW,
  observation: {
    merchantId: 'mer_1',
    stationId: 'IST-1',
    connectorId: '1',
    adapterType: 'longship',
    chargePointId: 'CP-1',
    connectorNumber: 1,
    status,
    observedAt,
    source: 'push',
    ...extra,
  },
});
const changed = (
  command: RecordConnectorStatus,
  connectivity: 'online' | 'offline' | null = null,
): ConnectorStatusEvent => ({
  type: 'ConnectorStatusChanged',
  data: { ...command.observation, connectivity, recordedAt: NOW },
});

describe('connector status decider', () => {
  const charging = observed('Charging', '2026-11-27T08:00:20.000Z');

  it('records the first status and each later change', () => {
    given([])
      .when(charging)
      .then([changed(charging)]);
    const finishing = observed('Finishing', '2026-11-27T08:00:30.000Z');
    given([changed(charging)])
      .when(finishing)
      .then([changed(finishing)]);
  });

  it('ignores an observation no newer than the newest known, whatever order they arrive in', () => {
    given([changed(charging)])
      .when(observed('Available', '2026-11-27T08:00:10.000Z'))
      .then([]);
    given([changed(charging)])
      .when(observed('Available', '2026-11-27T08:00:20.000Z'))
      .then([]);
  });

  it('records a newer push of the known status, so that a late older push cannot outrank it', () => {
    const again = observed('Charging', '2026-11-27T08:00:40.000Z');
    given([changed(charging)])
      .when(again)
      .then([changed(again)]);
    given([changed(charging), changed(again)])
      .when(observed('Available', '2026-11-27T08:00:30.000Z'))
      .then([]);
  });

  it('records nothing for a poll that finds the known status and connectivity', () =>
    given([changed(charging)])
      .when(observed('Charging', '2026-11-27T08:00:40.000Z', { source: 'poll' }))
      .then([]));

  it('keeps the last known connectivity when an observation says nothing of it, and records a change of it', () => {
    const online = observed('Available', '2026-11-27T08:00:05.000Z', { connectivity: 'online' });
    const later = observed('Charging', '2026-11-27T08:00:20.000Z');
    given([changed(online, 'online')])
      .when(later)
      .then([changed(later, 'online')]);
    const offline = observed('Available', '2026-11-27T08:00:09.000Z', { connectivity: 'offline' });
    given([changed(online, 'online')])
      .when(offline)
      .then([changed(offline, 'offline')]);
  });

  it('retires a known connector once; a retired one starts afresh when observed again', () => {
    const retire = { type: 'RetireConnector', now: NOW } as const;
    const retired: ConnectorStatusEvent = {
      type: 'ConnectorStatusRetired',
      data: {
        merchantId: 'mer_1',
        adapterType: 'longship',
        chargePointId: 'CP-1',
        connectorNumber: 1,
        retiredAt: NOW,
      },
    };
    given([changed(charging)])
      .when(retire)
      .then([retired]);
    given([changed(charging), retired])
      .when(retire)
      .then([]);
    given([]).when(retire).then([]);
    const older = observed('Available', '2026-11-27T08:00:10.000Z');
    given([changed(charging), retired])
      .when(older)
      .then([changed(older)]);
  });
});
