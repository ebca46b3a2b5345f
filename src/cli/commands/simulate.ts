import { randomBytes } from 'node:crypto';
import { CorpaySimulator } from '../../integrations/cpms/corpay/simulator/corpay-simulator';
import { LongshipSimulator } from '../../integrations/cpms/longship/simulator/longship-simulator';
import { UsageError, type CliCommand, type CliRun } from '../cli-command';
import { cpmsSimulatorCommand } from './cpms-simulator';

const generated = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;

const text = (values: CliRun['values'], name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

const portOf = (values: CliRun['values'], command: string): number => {
  const port = Number(text(values, 'port') ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be 0..65535', command);
  return port;
};

const listOf = (value: string | undefined, fallback: string[]) =>
  value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : fallback;

/** Keeps the process up until a signal, then closes the simulator. */
const untilSignal = (close: () => Promise<void>) => {
  const stop = () => void close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

export interface Simulation {
  url: string;
  /** What to configure the adapter with, one `NAME=value` line each. */
  settings: string[];
  close: () => Promise<void>;
}

export const startLongshipSimulation = async (values: CliRun['values']): Promise<Simulation> => {
  const tenantKey = text(values, 'tenant-key') ?? generated('lstk_');
  const applicationKey = text(values, 'application-key') ?? generated('lsak_');
  const webhookUrl = text(values, 'webhook-url');
  const webhookSecret = text(values, 'webhook-secret') ?? generated('lswh_');
  const simulator = new LongshipSimulator({
    tenantKey,
    applicationKey,
    ...(webhookUrl ? { webhook: { url: webhookUrl, secret: webhookSecret } } : {}),
  });
  for (const chargePointId of listOf(text(values, 'charge-points'), ['CP-1', 'CP-2']))
    simulator.addChargePoint(chargePointId, 2);
  const url = await simulator.listen(
    portOf(values, 'simulate longship'),
    text(values, 'host') ?? '127.0.0.1',
  );
  return {
    url,
    settings: [
      `baseUrl=${url}`,
      `tenantKey (Ocp-Apim-Subscription-Key)=${tenantKey}`,
      `applicationKey (x-api-key)=${applicationKey}`,
      `webhookSecret (x-longship-webhook-secret)=${webhookSecret}`,
      `webhooks=${webhookUrl ?? 'off (pass --webhook-url)'}`,
    ],
    close: () => simulator.close(),
  };
};

export const startCorpaySimulation = async (values: CliRun['values']): Promise<Simulation> => {
  const clientId = text(values, 'client-id') ?? 'edgepay';
  const clientSecret = text(values, 'client-secret') ?? generated('cpcs_');
  const lifetime = Number(text(values, 'token-lifetime') ?? '300');
  if (!Number.isInteger(lifetime) || lifetime < 1)
    throw new UsageError('--token-lifetime must be a whole number of seconds', 'simulate corpay');
  const simulator = new CorpaySimulator({ clientId, clientSecret, tokenLifetimeSeconds: lifetime });
  for (const connectorId of listOf(text(values, 'connectors'), ['CONN-1', 'CONN-2']))
    simulator.addConnector(connectorId);
  const url = await simulator.listen(portOf(values, 'simulate corpay'), text(values, 'host') ?? '127.0.0.1');
  return {
    url,
    settings: [
      `baseUrl=${url}`,
      `clientId=${clientId}`,
      `clientSecret=${clientSecret}`,
      `tokenLifetimeSeconds=${lifetime}`,
    ],
    close: () => simulator.close(),
  };
};

const serve =
  (start: (values: CliRun['values']) => Promise<Simulation>, name: string) =>
  async ({ values, out }: CliRun) => {
    const simulation = await start(values);
    out(`${name} simulator listening on ${simulation.url}`);
    out('adapter settings (simulator credentials, for local use only):');
    for (const line of simulation.settings) out(`  ${line}`);
    untilSignal(simulation.close);
  };

const COMMON_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
} as const;

export const simulateLongshipCommand: CliCommand = {
  path: ['simulate', 'longship'],
  summary: 'a Longship CPMS API v1 simulator (remote start/stop, sessions, statuses, CloudEvents pushes)',
  usage:
    '[--port 0] [--host 127.0.0.1] [--charge-points CP-1,CP-2] [--webhook-url <url>] [--tenant-key ..] [--application-key ..] [--webhook-secret ..]',
  details: [
    'Prints its URL and the credentials to give the Longship adapter; keys not given are generated.',
    'With --webhook-url it pushes CloudEvents (SessionStart, OperationalStatusChanged, ...) there with the',
    'x-longship-webhook-secret header. Each charge point has connectors 1 and 2.',
  ].join('\n'),
  options: {
    ...COMMON_OPTIONS,
    'charge-points': { type: 'string' },
    'webhook-url': { type: 'string' },
    'tenant-key': { type: 'string' },
    'application-key': { type: 'string' },
    'webhook-secret': { type: 'string' },
  },
  keepsRunning: true,
  run: serve(startLongshipSimulation, 'longship'),
};

export const simulateCorpayCommand: CliCommand = {
  path: ['simulate', 'corpay'],
  summary: 'a Corpay (Drive) session API simulator (OAuth2 client credentials, sessions, start/stop)',
  usage:
    '[--port 0] [--host 127.0.0.1] [--connectors CONN-1,CONN-2] [--client-id edgepay] [--client-secret ..] [--token-lifetime 300]',
  details: [
    'Prints its URL and the client credentials to give the Corpay adapter; a secret not given is generated.',
    '--token-lifetime (seconds) makes tokens expire sooner, to watch the adapter refresh them.',
  ].join('\n'),
  options: {
    ...COMMON_OPTIONS,
    connectors: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'token-lifetime': { type: 'string' },
  },
  keepsRunning: true,
  run: serve(startCorpaySimulation, 'corpay'),
};

/** The embedded-default simulator under the family name; `cpms-simulator` stays as it was. */
export const simulateCpmsCommand: CliCommand = { ...cpmsSimulatorCommand, path: ['simulate', 'cpms'] };

export const simulateCommands: readonly CliCommand[] = [
  simulateCpmsCommand,
  simulateLongshipCommand,
  simulateCorpayCommand,
];
