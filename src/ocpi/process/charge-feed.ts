import type { ChargeService } from '../../commands/charges/charge.service';
import { chargeIdFor } from '../../commands/charges/charge.service';
import type { CommandContext } from '../../commands/command-context';
import { isRunning } from '../../domain/charge-session/charge-session.state';
import { DomainError } from '../../domain/shared/domain-error';
import type { Logger } from '../../infrastructure/logging/logger';
import type { OcpiFlowWork } from './ocpi-flow-triggers';

type FeedCharge = Extract<OcpiFlowWork, { kind: 'feed-charge' }>;

export interface ChargeFeedDeps {
  charges: Pick<ChargeService, 'load' | 'reportCpmsStatus' | 'recordCpmsReading'>;
  logger: Logger;
}

/**
 * A CPO's session feeds the charge that pays with its authorization_reference, through the commands a
 * CPMS's reports already use: the start (ACTIVE), the energy as a meter reading (so the charge's own stop
 * at the pre-authorization limit fires), then the end (COMPLETED / INVALID). Each command is idempotent on
 * the charge's stream, so an event handled twice changes nothing. A charge that refuses a report (it
 * ended already, a reading from the CPO's future) keeps its state: logged, not retried.
 */
export const feedCharge = async (deps: ChargeFeedDeps, work: FeedCharge, context: CommandContext) => {
  const chargeId = chargeIdFor(work.paymentIntentId);
  const before = await deps.charges.load(chargeId);
  if (before.status === 'empty') return;
  const refused = (step: string) => (error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    deps.logger.info('a charge ignored an OCPI session report', { chargeId, step, code: error.code });
  };
  const ends = work.status === 'COMPLETE' || work.status === 'FAILED';
  if (before.status === 'pending') {
    // A session that delivered energy started, even when its first report is already its end.
    const started = work.status === 'STARTED' || (work.status === 'COMPLETE' && work.reading.meterWh > 0);
    if (started || ends) {
      await deps.charges
        .reportCpmsStatus(chargeId, started ? 'STARTED' : work.status, work.sessionId, context)
        .catch(refused('status'));
    }
  }
  const current = await deps.charges.load(chargeId);
  if (isRunning(current) && work.reading.meterWh > 0) {
    await deps.charges.recordCpmsReading(chargeId, work.reading, context).catch(refused('reading'));
  }
  if (ends) {
    await deps.charges.reportCpmsStatus(chargeId, work.status, work.sessionId, context).catch(refused('end'));
  }
};
