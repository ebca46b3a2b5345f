import { systemContext } from '../../src/commands/command-context';
import type { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import type { OcpiRuntime } from '../../src/runtime/ocpi';

/** Gateway settings for a PTP charge journey against the CPO simulator: quick retries, sweeps and polls. */
export const PTP_JOURNEY_ENV = {
  OCPI_RETRY_BACKOFF_MS: '10',
  VAT_RATE_PERCENT: '20',
  CHARGE_SWEEP_INTERVAL_MS: '50',
  CPMS_POLL_INTERVAL_MS: '100',
  CHARGE_STOP_MARGIN_MINOR: '500',
};

/** The gateway registers with the simulated CPO, using a token A the CPO issues (out of band). */
export const registerWithCpo = (ocpi: OcpiRuntime, cpo: OcpiCpoSimulator) =>
  ocpi.credentials.registerWith(
    {
      versionsUrl: cpo.versionsUrl,
      token: cpo.issueRegistrationToken(),
      name: 'cpo',
      acceptsUnencodedTokens: false,
    },
    systemContext(crypto.randomUUID()),
  );

/** START_SESSION to the simulated CPO at one of its EVSEs of LOC-IST-1 (connector 1), for a payment intent. */
export const startSessionAt = (
  ocpi: OcpiRuntime,
  partyRef: string,
  paymentIntentId: string,
  evseUid: string,
) =>
  ocpi.commands.startSession(
    { partyRef, paymentIntentId, locationId: 'LOC-IST-1', evseUid, connectorId: '1' },
    systemContext(crypto.randomUUID()),
  );
