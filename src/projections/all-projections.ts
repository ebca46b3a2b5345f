import type { StoredDocument } from '../infrastructure/read-store/read-store';
import { apiKeyProjection } from './api-keys/api-key.projection';
import { chargeProjection } from './charges/charge.projection';
import { connectorStatusProjection } from './charging-infrastructure/connector-status.projection';
import { stationMappingProjection } from './charging-infrastructure/station-mapping.projection';
import { edenredLinkProjection } from './edenred/edenred-link.projection';
import { paymentIntentProjection } from './payment-intents/payment-intent.projection';
import { ocpiLocationProjection } from './ocpi/ocpi-location.projection';
import { ocpiCommandProjection, ocpiSessionProjection } from './ocpi/ocpi-flow.projections';
import { ocpiPartyProjection } from './ocpi/ocpi-party.projection';
import { ocpiCdrProjection, ocpiFinancialAdviceProjection } from './ocpi/ocpi-payment.projections';
import { ocpiTerminalProjection } from './ocpi/ocpi-terminal.projection';
import type { Projection } from './projection';
import { tariffProjection } from './tariffs/tariff.projection';
import { merchantAttestationPolicyProjection } from './terminals/merchant-attestation-policy.projection';
import { terminalAttestationProjection } from './terminals/terminal-attestation.projection';
import { terminalStatsProjection } from './terminals/terminal-stats.projection';
import { terminalProjection } from './terminals/terminal.projection';
import { webhookDeliveryProjection } from './webhooks/webhook-delivery.projection';
import { webhookSubscriptionProjection } from './webhooks/webhook-subscription.projection';

/** Every read model the gateway serves; the projector feeds all of them from one subscription. */
export const allProjections: readonly Projection<StoredDocument>[] = [
  paymentIntentProjection as unknown as Projection<StoredDocument>,
  apiKeyProjection as unknown as Projection<StoredDocument>,
  terminalProjection as unknown as Projection<StoredDocument>,
  terminalStatsProjection as unknown as Projection<StoredDocument>,
  terminalAttestationProjection as unknown as Projection<StoredDocument>,
  merchantAttestationPolicyProjection as unknown as Projection<StoredDocument>,
  webhookSubscriptionProjection as unknown as Projection<StoredDocument>,
  webhookDeliveryProjection as unknown as Projection<StoredDocument>,
  tariffProjection as unknown as Projection<StoredDocument>,
  chargeProjection as unknown as Projection<StoredDocument>,
  stationMappingProjection as unknown as Projection<StoredDocument>,
  connectorStatusProjection as unknown as Projection<StoredDocument>,
  edenredLinkProjection as unknown as Projection<StoredDocument>,
  ocpiPartyProjection as unknown as Projection<StoredDocument>,
  ocpiLocationProjection as unknown as Projection<StoredDocument>,
  ocpiTerminalProjection as unknown as Projection<StoredDocument>,
  ocpiCdrProjection as unknown as Projection<StoredDocument>,
  ocpiFinancialAdviceProjection as unknown as Projection<StoredDocument>,
  ocpiSessionProjection as unknown as Projection<StoredDocument>,
  ocpiCommandProjection as unknown as Projection<StoredDocument>,
];
