import { ocpiCommandDecider, type OcpiCommandEvent } from '../../../src/domain/ocpi-command/ocpi-command';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(ocpiCommandDecider);
const now = '2026-03-02T10:00:00.000Z';
const requested: OcpiCommandEvent = {
  type: 'OcpiCommandRequested',
  data: {
    commandRef: 'ocm_1',
    partyRef: 'ocp_1',
    command: 'START_SESSION',
    paymentIntentId: 'pi_1',
    locationId: 'LOC-1',
    evseUid: null,
    sessionId: null,
    requestedAt: now,
  },
};
const result = (value: string): OcpiCommandEvent => ({
  type: 'OcpiCommandResultReceived',
  data: { commandRef: 'ocm_1', result: value, message: null, receivedAt: now },
});

describe('OCPI command decider', () => {
  it('takes a CommandResult that arrives before the CommandResponse', () => {
    given([requested])
      .when({ type: 'RecordResult', result: 'ACCEPTED', message: null, now })
      .then([result('ACCEPTED')]);
    given([requested, result('ACCEPTED')])
      .when({ type: 'RecordAnswer', result: 'ACCEPTED', timeoutSeconds: 30, now })
      .then([
        {
          type: 'OcpiCommandAnswered',
          data: { commandRef: 'ocm_1', result: 'ACCEPTED', timeoutSeconds: 30, answeredAt: now },
        },
      ]);
  });

  it('takes a repeated result once and refuses a different one; refuses a result for no command', () => {
    given([requested, result('ACCEPTED')])
      .when({ type: 'RecordResult', result: 'ACCEPTED', message: null, now })
      .then([]);
    given([requested, result('ACCEPTED')])
      .when({ type: 'RecordResult', result: 'FAILED', message: null, now })
      .thenRefuses('ocpi_command_result_exists', 'conflict');
    given([])
      .when({ type: 'RecordResult', result: 'ACCEPTED', message: null, now })
      .thenRefuses('ocpi_command_not_found', 'not_found');
  });
});
