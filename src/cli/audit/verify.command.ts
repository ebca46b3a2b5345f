import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SignedCheckpoint } from '../../audit/checkpoint';
import type { VerifyReport } from '../../audit/verify-history';
import { verifyExport, verifyStore } from '../../audit/verify-sources';
import {
  progressFor,
  scanProgress,
  trustedPublicKeys,
  UsageError,
  withEventStore,
  type CliContext,
} from './cli-context';

/** A checkpoint as `audit checkpoint --json` prints it, or an export manifest holding one. */
const readCheckpoint = (file: string): SignedCheckpoint => {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as
    SignedCheckpoint | { checkpoint?: SignedCheckpoint };
  const checkpoint = 'signature' in parsed ? parsed : parsed.checkpoint;
  if (!checkpoint) throw new UsageError(`${file} holds no signed checkpoint`);
  return checkpoint;
};

export const describeReport = (report: VerifyReport): string => {
  const lines = [
    `${report.ok ? 'OK' : 'BROKEN'}: ${report.eventCount} events in ${report.streamCount} streams` +
      (report.unchainedEvents > 0 ? ` (${report.unchainedEvents} written before the chain existed)` : ''),
  ];
  if (report.checkpoint) {
    const { signedAt, keyId, position, developmentKey } = report.checkpoint;
    lines.push(
      `held against the checkpoint signed at ${signedAt} (position ${position}, key ${keyId}${developmentKey ? ', DEVELOPMENT KEY' : ''})`,
    );
  } else {
    lines.push('no checkpoint: only the chains were checked');
  }
  for (const problem of report.breaks) {
    const where = problem.streamName ? `${problem.streamName}@${problem.revision ?? '?'}` : '(export)';
    lines.push(`  ${problem.kind.padEnd(14)} ${where}: ${problem.detail}`);
  }
  return lines.join('\n');
};

/** `audit verify FILE | --store [--public-key PEM] [--checkpoint JSON] [--json] [--progress]`; exit 1 on any break. */
export const auditVerify = async (args: string[], context: CliContext): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      store: { type: 'boolean', default: false },
      'public-key': { type: 'string', multiple: true },
      checkpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
      progress: { type: 'boolean' },
    },
  });
  const [file] = positionals;
  if (values.store === (file !== undefined))
    throw new UsageError('audit verify needs an export FILE or --store');
  const publicKey = trustedPublicKeys(context, values['public-key']);
  const progress = progressFor(context, 'verify', values.progress);
  const options = {
    publicKey,
    ...(values.checkpoint ? { checkpoint: readCheckpoint(values.checkpoint) } : {}),
    onProgress: scanProgress(progress),
  };
  const report = file
    ? await verifyExport(file, options)
    : await withEventStore(context.config, (eventStore) => verifyStore(eventStore, options));
  progress.finish(report.eventCount);
  context.out(values.json ? JSON.stringify(report) : describeReport(report));
  return report.ok ? 0 : 1;
};
