import { parseArgs } from 'node:util';
import { anchorLegacyStreams } from '../../audit/anchor-legacy-streams';
import { createCheckpoint } from '../../audit/audit-checkpoints';
import { loadAuditSigningKey, publicKeyPem } from '../../audit/signing-key';
import { systemClock } from '../../infrastructure/clock';
import { progressFor, scanProgress, withEventStore, type CliContext } from './cli-context';

const flags = (args: string[]) =>
  parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, progress: { type: 'boolean' } },
  }).values;

/** `audit checkpoint [--json] [--progress]`: verifies every chain and signs a checkpoint now. */
export const auditCheckpoint = async (args: string[], context: CliContext): Promise<number> => {
  const values = flags(args);
  const signingKey = loadAuditSigningKey(context.config.AUDIT_SIGNING_KEY);
  if (signingKey.developmentKey) context.err.write('warning: signing with the public development key\n');
  const progress = progressFor(context, 'checkpoint', values.progress);
  const checkpoint = await withEventStore(context.config, (eventStore) =>
    createCheckpoint({ eventStore, signingKey, clock: systemClock, onProgress: scanProgress(progress) }),
  );
  progress.finish(checkpoint.eventCount);
  context.out(
    values.json
      ? JSON.stringify(checkpoint)
      : `signed a checkpoint of ${checkpoint.streamCount} streams, ${checkpoint.eventCount} events, up to position ${checkpoint.position} (key ${checkpoint.keyId})`,
  );
  return 0;
};

/** `audit anchor [--json] [--progress]`: records, once, the heads of streams written before the chain existed. */
export const auditAnchor = async (args: string[], context: CliContext): Promise<number> => {
  const values = flags(args);
  const progress = progressFor(context, 'anchor', values.progress);
  const heads = await withEventStore(context.config, (eventStore) =>
    anchorLegacyStreams({ eventStore, clock: systemClock, onProgress: scanProgress(progress) }),
  );
  progress.finish(heads.length);
  context.out(values.json ? JSON.stringify({ anchored: heads }) : `anchored ${heads.length} streams`);
  return 0;
};

/** `audit public-key`: the PEM an auditor needs to verify checkpoints and exports. */
export const auditPublicKey = async (_args: string[], context: CliContext): Promise<number> => {
  const key = loadAuditSigningKey(context.config.AUDIT_SIGNING_KEY);
  if (key.developmentKey) context.err.write('warning: this is the public development key\n');
  context.out(publicKeyPem(key.publicKey).trimEnd());
  return 0;
};
