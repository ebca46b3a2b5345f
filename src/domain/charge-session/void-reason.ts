import type { ChargeSessionState } from './charge-session.state';

type Finished = Extract<ChargeSessionState, { status: 'completed' | 'failed' }>;

/**
 * Why a finished charge voids its intent, as the audit trail will read it: what happened, never a guess.
 * A free tariff can deliver energy and still leave nothing to capture.
 */
export const voidReasonOf = (charge: Finished): string => {
  if (charge.status === 'failed') return `charge_failed_${charge.reason}`;
  return charge.paymentAction === 'void' ? 'charge_delivered_no_energy' : 'charge_nothing_to_capture';
};
