import type { CliCommand } from '../cli-command';
import { WEBHOOKS_LISTEN_DETAILS, webhooksListen } from '../webhooks-listen';

export const webhooksListenCommand: CliCommand = {
  path: ['webhooks', 'listen'],
  summary: 'a local receiver that prints each webhook delivery whose signature holds',
  usage: '--secret whsec_... [--secret whsec_...] [--port 4000] [--host 127.0.0.1]',
  details: WEBHOOKS_LISTEN_DETAILS,
  ownArguments: true,
  keepsRunning: true,
  run: ({ args }) => webhooksListen(args),
};
