import { systemContext } from '../../commands/command-context';
import { ocpiPartyService } from '../../commands/ocpi/ocpi-party.service';
import { systemClock } from '../../infrastructure/clock';
import type { Config } from '../../infrastructure/config';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { newUuid } from '../../infrastructure/ids';
import { OcpiCpoSimulator } from '../../integrations/ocpi-cpo/ocpi-cpo-simulator';
import { credentialsClient } from '../../ocpi/credentials/credentials-flows';
import { versionsPath } from '../../ocpi/http/ocpi-paths';
import { ocpiClientFrom, ourPlatformFrom } from '../../runtime/ocpi';
import { createSecretBox } from '../../webhooks/secret-box';
import { UsageError, type CliCommand } from '../cli-command';
import { withEventStore } from './event-store';

const deps = (config: Config, eventStore: EventStore) => {
  const parties = ocpiPartyService({ eventStore, clock: systemClock });
  const us = ourPlatformFrom(config, () => undefined);
  const secretBox = createSecretBox(config.WEBHOOK_SECRET_ENCRYPTION_KEY);
  return {
    parties,
    us,
    credentials: credentialsClient({ parties, client: ocpiClientFrom(config), secretBox, us }),
  };
};

const context = () => systemContext(newUuid());

const required = (value: unknown, option: string, helpFor: string): string => {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${option} is required`, helpFor);
  return value;
};

const issueToken: CliCommand = {
  path: ['ocpi', 'token'],
  summary: 'issues a token A for an OCPI peer (a CPO) that will register with us, and prints it once',
  usage: '--name <text> [--unencoded]',
  details: [
    'Prints {"partyRef", "token", "versionsUrl"}: hand the token and our versions URL to the peer out of band.',
    'Only the hash of the token is kept. The peer POSTs its credentials with it; it then stops working.',
    '',
    '  --name <text>   who the peer is, for people reading the events',
    '  --unencoded     also accept the token without base64 (a 2.1-era peer)',
  ].join('\n'),
  options: { name: { type: 'string' }, unencoded: { type: 'boolean', default: false } },
  run: async ({ values, config, out, err }) => {
    const name = required(values.name, '--name <text>', 'ocpi token');
    const issued = await withEventStore(config, (eventStore) =>
      deps(config, eventStore).parties.issueRegistrationToken(
        { name, acceptsUnencodedTokens: values.unencoded === true },
        context(),
      ),
    );
    const versionsUrl = `${ourPlatformFrom(config, () => undefined).baseUrl()}${versionsPath()}`;
    out(JSON.stringify({ partyRef: issued.partyRef, token: issued.token, versionsUrl }));
    err('Hand this token over now: it is shown once and only its hash is kept.');
  },
};

const register: CliCommand = {
  path: ['ocpi', 'register'],
  summary: 'registers us with an OCPI peer given its versions URL and its token A',
  usage: '--versions-url <url> --token=<token A> --name <text> [--unencoded]',
  details: [
    'Runs the credentials handshake (A -> our B -> their C) and prints {"partyRef", "version", "roles"}.',
    'Write --token=<token A> with "=": a token may start with "-", which would otherwise read as an option.',
    'The gateway must be running and reachable at OCPI_PUBLIC_URL: the peer calls our versions endpoint back.',
  ].join('\n'),
  options: {
    'versions-url': { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string' },
    unencoded: { type: 'boolean', default: false },
  },
  run: async ({ values, config, out }) => {
    const input = {
      versionsUrl: required(values['versions-url'], '--versions-url <url>', 'ocpi register'),
      token: required(values.token, '--token=<token A>', 'ocpi register'),
      name: required(values.name, '--name <text>', 'ocpi register'),
      acceptsUnencodedTokens: values.unencoded === true,
    };
    const registered = await withEventStore(config, (eventStore) =>
      deps(config, eventStore).credentials.registerWith(input, context()),
    );
    out(JSON.stringify(registered));
  },
};

/** `ocpi <verb> <partyRef>`: one credentials call to a registered peer, its answer printed. */
const partyCommand = (
  verb: string,
  summary: string,
  call: (credentials: ReturnType<typeof deps>['credentials'], partyRef: string) => Promise<unknown>,
): CliCommand => ({
  path: ['ocpi', verb],
  summary,
  usage: '<partyRef>',
  positionals: ['partyRef'],
  run: async ({ positionals, config, out }) => {
    const partyRef = required(positionals[0], '<partyRef>', `ocpi ${verb}`);
    out(
      JSON.stringify(
        await withEventStore(config, (store) => call(deps(config, store).credentials, partyRef)),
      ),
    );
  },
});

const reroll = partyCommand(
  'reroll',
  'renews the credentials tokens with a registered OCPI peer (PUT)',
  (credentials, partyRef) => credentials.rerollWith(partyRef, context()),
);

const unregister = partyCommand(
  'unregister',
  'unregisters from an OCPI peer (DELETE): neither token works afterwards',
  (credentials, partyRef) => credentials.unregisterFrom(partyRef, context()),
);

const simulateCpo: CliCommand = {
  path: ['simulate', 'ocpi-cpo'],
  summary: 'an OCPI CPO peer (versions, credentials) on PORT, for trying the handshake by hand',
  usage: '',
  details: [
    'Prints {"versionsUrl", "token"}: register the gateway with it (`edgepay ocpi register`) using that token A.',
  ].join('\n'),
  keepsRunning: true,
  run: async ({ config, logger, out }) => {
    const simulator = new OcpiCpoSimulator();
    await simulator.listen(config.PORT, config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST);
    out(JSON.stringify({ versionsUrl: simulator.versionsUrl, token: simulator.issueRegistrationToken() }));
    logger.info('OCPI CPO simulator started', { versionsUrl: simulator.versionsUrl });
    const stop = () => void simulator.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
};

export const ocpiCommands: readonly CliCommand[] = [issueToken, register, reroll, unregister, simulateCpo];
