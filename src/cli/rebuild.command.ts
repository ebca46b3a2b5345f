import { parseArgs } from 'node:util';
import { createReadStore } from '../infrastructure/read-store/create-read-store';
import { rebuildReadModels } from '../projections/rebuild-read-models';
import { PROJECTOR_NAME } from '../runtime/gateway';
import { openEventStore, progressFor, UsageError, type CliContext } from './audit/cli-context';

/**
 * `rebuild [--json] [--progress]`: the live MongoDB read models, rebuilt from the store
 * (rebuildReadModels). Stop the projector first.
 */
export const runRebuild = async (args: string[], context: CliContext): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, progress: { type: 'boolean' } },
  });
  const { MONGODB_URL, MONGODB_DATABASE } = context.config;
  if (!MONGODB_URL) {
    throw new UsageError('rebuild needs MONGODB_URL: the embedded read models are rebuilt at every start');
  }
  const eventStore = openEventStore(context.config);
  const readStore = await createReadStore({ mongoUrl: MONGODB_URL, database: MONGODB_DATABASE });
  const progress = progressFor(context, 'rebuild', values.progress);
  const started = Date.now();
  try {
    const head = await eventStore.headPosition();
    const rebuilt = await rebuildReadModels({
      eventStore,
      readStore,
      runnerName: PROJECTOR_NAME,
      onProgress: (p) => {
        const ratio = head && p.position !== undefined ? Number(p.position) / Number(head) : 0;
        progress.update(p.events, ratio);
      },
    });
    progress.finish(rebuilt.events);
    const applied = rebuilt.position ?? 0n;
    const seconds = (Date.now() - started) / 1000;
    context.out(
      values.json
        ? JSON.stringify({ rebuilt: true, position: String(applied), seconds })
        : `rebuilt the read models up to position ${applied} in ${seconds.toFixed(1)} s`,
    );
    return 0;
  } finally {
    await readStore.close();
    await eventStore.close();
  }
};
