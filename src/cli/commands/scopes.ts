import { scopeResources, type ScopeResource } from '../../domain/api-key/scopes';

/** What each resource's scopes open; typed by resource, so a new resource must be described here. */
const RESOURCE_DESCRIPTIONS: Record<ScopeResource, string> = {
  payments: 'payment intents: create, authorize, capture, void (write); read and list (read)',
  charges: 'ad-hoc charges: start, progress, complete (write); read and list (read)',
  terminals: 'terminals, their status, credentials, attestation policy (write); fleet, stats (read)',
  webhooks: 'webhook subscriptions, tests, replays, secret rotation (write); them and deliveries (read)',
  infrastructure: 'detailed health and metrics (read)',
  tariffs: 'tariffs: put and delete (write); read and list (read)',
  audit: 'reserved for the audit endpoints',
};

export const SCOPE_LIST = [
  ...scopeResources.flatMap((resource) => [
    `  ${`${resource}:read`.padEnd(22)}${`${resource}:write`.padEnd(22)}${RESOURCE_DESCRIPTIONS[resource]}`,
  ]),
  `  ${'admin'.padEnd(44)}every scope`,
].join('\n');
