import { z } from 'zod';
import { apiKeyEventSchemas } from '../domain/api-key/api-key.events';
import { chargeSessionEventSchemas } from '../domain/charge-session/charge-session.events';
import { edenredLinkEventSchemas } from '../domain/edenred-link/edenred-link.events';
import { edenredOrderRefEventSchemas } from '../domain/edenred-order-ref/edenred-order-ref';
import { merchantAttestationPolicyEventSchemas } from '../domain/merchant-attestation-policy/merchant-attestation-policy.events';
import { ocpiCdrEventSchemas } from '../domain/ocpi-cdr/ocpi-cdr.events';
import { ocpiCommandEventSchemas } from '../domain/ocpi-command/ocpi-command';
import { ocpiSessionEventSchemas } from '../domain/ocpi-session/ocpi-session';
import { ocpiTerminalEventSchemas } from '../domain/ocpi-terminal/ocpi-terminal';
import { ocpiFinancialAdviceEventSchemas } from '../domain/ocpi-payment/financial-advice';
import { ocpiPartyIdClaimEventSchemas } from '../domain/ocpi-party/ocpi-party-id-claim';
import { ocpiLocationEventSchemas } from '../domain/ocpi-location/ocpi-location.events';
import { ocpiPartyEventSchemas } from '../domain/ocpi-party/ocpi-party.events';
import { paymentIntentEventSchemas } from '../domain/payment-intent/payment-intent.events';
import { tariffEventSchemas } from '../domain/tariff/tariff.events';
import { terminalAttestationEventSchemas } from '../domain/terminal-attestation/terminal-attestation.events';
import { terminalEventSchemas } from '../domain/terminal/terminal.events';
import { webhookDeliveryEventSchemas } from '../domain/webhook-delivery/webhook-delivery.events';
import { webhookSubscriptionEventSchemas } from '../domain/webhook-subscription/webhook-subscription.events';
import { webhookTestEventSchemas } from '../domain/webhook-subscription/webhook-test';
import { connectorStatusEventSchemas } from '../domain/connector-status/connector-status.events';
import { stationAdapterConfigEventSchemas } from '../domain/station-adapter-config/station-adapter-config.events';
import { stationMappingEventSchemas } from '../domain/station-mapping/station-mapping.events';
import { auditEventSchemas } from './audit.events';

/** Every event type the gateway writes, by the aggregate whose streams hold it. */
export const EVENT_SCHEMAS_BY_AGGREGATE: Record<string, Record<string, z.ZodType>> = {
  'payment intent': paymentIntentEventSchemas,
  'charge session': chargeSessionEventSchemas,
  tariff: tariffEventSchemas,
  terminal: terminalEventSchemas,
  'terminal attestation': terminalAttestationEventSchemas,
  'merchant attestation policy': merchantAttestationPolicyEventSchemas,
  'API key': apiKeyEventSchemas,
  'webhook subscription': webhookSubscriptionEventSchemas,
  'webhook delivery': webhookDeliveryEventSchemas,
  'webhook test': webhookTestEventSchemas,
  'station mapping': stationMappingEventSchemas,
  'connector status': connectorStatusEventSchemas,
  'station adapter config': stationAdapterConfigEventSchemas,
  'Edenred link': edenredLinkEventSchemas,
  'Edenred order_ref counter': edenredOrderRefEventSchemas,
  'OCPI party': ocpiPartyEventSchemas,
  'OCPI party id claim': ocpiPartyIdClaimEventSchemas,
  'OCPI location': ocpiLocationEventSchemas,
  'OCPI CDR': ocpiCdrEventSchemas,
  'OCPI command': ocpiCommandEventSchemas,
  'OCPI session': ocpiSessionEventSchemas,
  'OCPI terminal': ocpiTerminalEventSchemas,
  'OCPI financial advice': ocpiFinancialAdviceEventSchemas,
  audit: auditEventSchemas,
};

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

const typeOf = (schema: JsonSchema): string => {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
};

/** The object a field holds, when it holds one (directly, in an array, or as one member of a union). */
const objectOf = (schema: JsonSchema): JsonSchema | undefined => {
  if (schema.properties) return schema;
  if (schema.items) return objectOf(schema.items);
  for (const member of schema.anyOf ?? schema.oneOf ?? []) {
    const found = objectOf(member);
    if (found) return found;
  }
  return undefined;
};

const rows = (schema: JsonSchema, prefix: string): string[] =>
  Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const nested = objectOf(field);
    const required = schema.required?.includes(name) ? 'yes' : 'no';
    const own = `| \`${path}\` | ${nested && !field.items ? 'object' : typeOf(field)} | ${required} |`;
    const suffix = field.items || (field.type === 'array' && nested) ? `${path}[].` : `${path}.`;
    return nested ? [own, ...rows(nested, suffix)] : [own];
  });

/** The event catalogue of docs/audit.md: every type with its fields, generated from the zod schemas. */
export const renderEventCatalogue = (): string => {
  const sections = Object.entries(EVENT_SCHEMAS_BY_AGGREGATE).map(([aggregate, schemas]) => {
    const events = Object.entries(schemas).map(([type, schema]) => {
      const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }) as JsonSchema;
      return [`#### ${type}`, '', '| field | type | required |', '|---|---|---|', ...rows(json, '')].join(
        '\n',
      );
    });
    return [`### ${aggregate}`, '', events.join('\n\n')].join('\n');
  });
  return sections.join('\n\n');
};
