import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { ScanProgress } from '../../audit/scan-store';
import { loadAuditSigningKey, parsePublicKey } from '../../audit/signing-key';
import type { Config } from '../../infrastructure/config';
import { createEventStore } from '../../infrastructure/event-store/create-event-store';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { Logger } from '../../infrastructure/logging/logger';
import { UsageError as CliUsageError } from '../cli-command';
import { createProgress, type Progress, type ProgressTarget } from '../progress';

/** What a CLI command needs from its process; tests pass their own. */
export interface CliContext {
  config: Config;
  logger: Logger;
  /** One result, to stdout. */
  out: (text: string) => void;
  /** Progress and warnings, to stderr. */
  err: ProgressTarget;
}

export const processContext = (config: Config, logger: Logger): CliContext => ({
  config,
  logger,
  out: (text) => process.stdout.write(`${text}\n`),
  err: process.stderr,
});

export const openEventStore = (config: Config): EventStore =>
  createEventStore({
    url: config.EVENTSTORE_URL,
    dataDir: config.EDGEPAY_DATA_DIR,
    synchronous: config.SQLITE_SYNCHRONOUS,
  });

export const withEventStore = async <T>(
  config: Config,
  work: (store: EventStore) => Promise<T>,
): Promise<T> => {
  const eventStore = openEventStore(config);
  try {
    return await work(eventStore);
  } finally {
    await eventStore.close();
  }
};

export const progressFor = (context: CliContext, label: string, forced: boolean | undefined): Progress =>
  createProgress(label, { forced: forced ?? false, target: context.err });

/** Progress of a scan of the store: the fraction is the position reached over the head's. */
export const scanProgress =
  (progress: Progress) =>
  ({ done, head, position }: ScanProgress): void =>
    progress.update(done, head && position ? Number(position) / Number(head) : 0);

/**
 * The keys checkpoints must be signed with: the auditor's own copies of the public keys when given
 * (`--public-key FILE`, repeated across a key rotation), otherwise the one of this installation's
 * AUDIT_SIGNING_KEY.
 */
export const trustedPublicKeys = (
  context: CliContext,
  publicKeyFiles: readonly string[] = [],
): KeyObject[] => {
  if (publicKeyFiles.length > 0)
    return publicKeyFiles.map((file) => parsePublicKey(readFileSync(file, 'utf8')));
  const key = loadAuditSigningKey(context.config.AUDIT_SIGNING_KEY);
  if (key.developmentKey) {
    context.err.write('warning: AUDIT_SIGNING_KEY is not set; checking against the public development key\n');
  }
  return [key.publicKey];
};

/** Wrong arguments to an audit tool: exit 2, with a pointer to its help. */
export class UsageError extends CliUsageError {
  constructor(message: string, helpFor = 'audit') {
    super(message, helpFor);
  }
}
