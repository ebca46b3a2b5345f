import { issueApiKey } from '../../commands/api-keys/api-key.service';
import { systemContext } from '../../commands/command-context';
import { isScope } from '../../domain/api-key/scopes';
import { systemClock } from '../../infrastructure/clock';
import { newUuid } from '../../infrastructure/ids';
import { UsageError, type CliCommand } from '../cli-command';
import { withEventStore } from './event-store';
import { SCOPE_LIST } from './scopes';

const HELP_FOR = 'keys create';

export const keysCreateCommand: CliCommand = {
  path: ['keys', 'create'],
  summary: 'issues an API key and prints it once',
  usage: '--merchant <id> [--terminal <id>] [--scopes "<scope> ..."] [--name <text>] [--test]',
  details: [
    'Prints {"apiKeyId", "key"} as JSON on stdout. Only the key\'s hash is stored: keep the key now.',
    'The key works at once, also on a gateway that is already running.',
    '',
    '  --merchant <id>    the merchant the key acts for (required)',
    "  --terminal <id>    binds the key to one terminal: it reaches only that terminal's resources",
    '  --scopes "..."     space or comma separated (default "payments:read payments:write")',
    '  --name <text>      a label shown by `edgepay keys list` (default "cli")',
    '  --test             an epk_test_ key (always so when EDGEPAY_ENV=development)',
    '',
    'Scopes (write does not imply read):',
    SCOPE_LIST,
  ].join('\n'),
  options: {
    merchant: { type: 'string' },
    terminal: { type: 'string' },
    scopes: { type: 'string', default: 'payments:read payments:write' },
    name: { type: 'string', default: 'cli' },
    test: { type: 'boolean', default: false },
  },
  run: async ({ values, config, out, err }) => {
    const merchant = values.merchant as string | undefined;
    if (!merchant) throw new UsageError('--merchant <id> is required', HELP_FOR);
    const scopes = (values.scopes as string).split(/[\s,]+/).filter(Boolean);
    const unknown = scopes.filter((scope) => !isScope(scope));
    if (unknown.length > 0) throw new UsageError(`unknown scope '${unknown.join("', '")}'`, HELP_FOR);
    if (scopes.length === 0) throw new UsageError('--scopes names no scope', HELP_FOR);
    const terminal = values.terminal as string | undefined;
    const issued = await withEventStore(config, (eventStore) =>
      issueApiKey(
        { eventStore, clock: systemClock },
        {
          name: values.name as string,
          merchantId: merchant,
          ...(terminal ? { terminalId: terminal } : {}),
          scopes,
          environment: values.test || config.EDGEPAY_ENV === 'development' ? 'test' : 'live',
        },
        systemContext(`cli-${newUuid()}`),
      ),
    );
    out(JSON.stringify({ apiKeyId: issued.apiKeyId, key: issued.key }));
    err('Store this key now: it is shown once and only its hash is kept.');
  },
};
