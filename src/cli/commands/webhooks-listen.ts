import type { CliCommand } from '../cli-command';
import { WEBHOOKS_LISTEN_USAGE, webhooksListen } from '../webhooks-listen';

export const webhooksListenCommand: CliCommand = {
  path: ['webhooks', 'listen'],
  summary: 'a local receiver that prints each webhook delivery whose signature holds',
  usage: '--secret whsec_... [--secret whsec_...] [--port 4000] [--host 127.0.0.1]',
  details: WEBHOOKS_LISTEN_USAGE.split('\n').slice(2).join('\n'),
  ownArguments: true,
  keepsRunning: true,
  run: ({ args }) => webhooksListen(args),
};
