import assert from 'node:assert/strict';
import {
  captureStatusOf,
  ocpiFinancialAdviceDecider,
} from '../../../src/domain/ocpi-payment/financial-advice';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(ocpiFinancialAdviceDecider);
const confirm = (captureStatusCode: 'SUCCESS' | 'FAILED') => ({
  type: 'ConfirmFinancialAdvice' as const,
  confirmed: {
    facId: 'fac_1',
    partyRef: 'ocp_1',
    paymentIntentId: 'pi_1',
    captureStatusCode,
    confirmation: { id: 'fac_1' },
  },
  now: '2026-03-02T12:00:00.000Z',
});

describe('Financial Advice Confirmation', () => {
  it('reads the capture against the CDR total: SUCCESS, PARTIAL_SUCCESS, FAILED, or not settled yet', () => {
    assert.equal(captureStatusOf({ status: 'captured', amountCaptured: 22_800 }, 22_800), 'SUCCESS');
    assert.equal(captureStatusOf({ status: 'captured', amountCaptured: 20_000 }, 22_800), 'PARTIAL_SUCCESS');
    assert.equal(captureStatusOf({ status: 'voided' }, 22_800), 'FAILED');
    assert.equal(
      captureStatusOf({ status: 'capture_failed' }, 22_800),
      'FAILED',
      'an asynchronous capture refused',
    );
    assert.equal(captureStatusOf({ status: 'capture_pending' }, 22_800), undefined);
    assert.equal(captureStatusOf({ status: 'authorized' }, 22_800), undefined);
  });

  it('confirms once per intent: again changes nothing, another outcome is refused', () => {
    const first = ocpiFinancialAdviceDecider.decide(
      confirm('SUCCESS'),
      ocpiFinancialAdviceDecider.initialState(),
    );
    given(first).when(confirm('SUCCESS')).then([]);
    given(first).when(confirm('FAILED')).thenRefuses('ocpi_fac_exists', 'conflict');
  });
});
