import { parseArgs } from 'node:util';
import { readExport, readManifest } from '../../audit/export-file';
import {
  compareReadModels,
  projectAll,
  replayReadModels,
  snapshotReadModels,
  type ProjectionProgress,
  type ReadModelSnapshot,
} from '../../audit/replay';
import { createReadStore } from '../../infrastructure/read-store/create-read-store';
import { MemoryReadStore } from '../../infrastructure/read-store/memory-read-store';
import type { Progress } from '../progress';
import { progressFor, UsageError, withEventStore, type CliContext } from './cli-context';

const projectionProgress =
  (progress: Progress) =>
  ({ applied, head }: ProjectionProgress): void =>
    progress.update(Number(applied ?? 0n), head ? Number(applied ?? 0n) / Number(head) : 0);

/**
 * The read models to compare with: those of a second export, the live MongoDB ones, or (embedded default,
 * whose read models live in the gateway's memory) the ones the live event store gives.
 */
const referenceModels = async (
  against: string | undefined,
  context: CliContext,
  progress: Progress,
): Promise<{ snapshot: ReadModelSnapshot; source: string }> => {
  if (against) {
    return { snapshot: await replayReadModels(readExport(against), context.logger), source: against };
  }
  const { MONGODB_URL, MONGODB_DATABASE } = context.config;
  if (MONGODB_URL) {
    const readStore = await createReadStore({ mongoUrl: MONGODB_URL, database: MONGODB_DATABASE });
    try {
      return { snapshot: await snapshotReadModels(readStore), source: 'the live MongoDB read models' };
    } finally {
      await readStore.close();
    }
  }
  const snapshot = await withEventStore(context.config, (eventStore) =>
    projectAll(eventStore, new MemoryReadStore(), context.logger, projectionProgress(progress)),
  );
  return { snapshot, source: 'the read models of the live event store' };
};

/** `audit replay FILE [--against FILE2] [--json] [--progress]`; exit 1 when documents differ. */
export const auditReplay = async (args: string[], context: CliContext): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      against: { type: 'string' },
      json: { type: 'boolean', default: false },
      progress: { type: 'boolean' },
    },
  });
  const [file] = positionals;
  if (!file) throw new UsageError('audit replay needs an export FILE');
  const manifest = readManifest(file);
  const progress = progressFor(context, 'replay', values.progress);
  const replay = await replayReadModels(readExport(file), context.logger, projectionProgress(progress));
  const reference = await referenceModels(values.against, context, progress);
  progress.finish(manifest?.eventCount ?? 0);
  // An export of some streams or times rebuilds only some documents: compare those.
  const scoped = manifest !== undefined && Object.keys(manifest.scope).length > 0;
  const differences = compareReadModels(replay, reference.snapshot, { onlyReplayed: scoped });
  const documents = [...replay.values()].reduce((sum, docs) => sum + docs.size, 0);
  if (values.json) {
    context.out(
      JSON.stringify({
        identical: differences.length === 0,
        documents,
        against: reference.source,
        differences,
      }),
    );
  } else {
    context.out(
      [
        `${differences.length === 0 ? 'IDENTICAL' : 'DIFFERENT'}: ${documents} documents replayed from ${file}, compared with ${reference.source}`,
        ...differences.map(
          (d) =>
            `  ${d.kind.padEnd(17)} ${d.collection}/${d.id}${d.fields ? `: ${d.fields.join(', ')}` : ''}`,
        ),
      ].join('\n'),
    );
  }
  return differences.length === 0 ? 0 : 1;
};
