import { parseArgs } from 'node:util';
import { untilCaughtUp, type ProjectionProgress } from '../audit/replay';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import { createReadStore } from '../infrastructure/read-store/create-read-store';
import { allProjections } from '../projections/all-projections';
import { ProjectionRunner } from '../projections/projection-runner';
import { PROJECTOR_NAME } from '../runtime/gateway';
import { openEventStore, progressFor, UsageError, type CliContext } from './audit/cli-context';

/**
 * Empties the read models and projects the whole store again with the projector's own runner and checkpoint
 * name, reporting progress. The one place a faster rebuild path plugs in.
 */
export const rebuildReadModels = async (
  eventStore: EventStore,
  readStore: ReadStore,
  logger: Logger,
  onProgress: (progress: ProjectionProgress) => void,
): Promise<void> => {
  const runner = new ProjectionRunner({
    eventStore,
    readStore,
    projections: allProjections,
    logger,
    name: PROJECTOR_NAME,
  });
  await runner.rebuild();
  await untilCaughtUp(runner, eventStore, onProgress);
};

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
    let applied = 0n;
    await rebuildReadModels(eventStore, readStore, context.logger, (p) => {
      applied = p.applied ?? 0n;
      progress.update(Number(applied), p.head ? Number(applied) / Number(p.head) : 0);
    });
    progress.finish(Number(applied));
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
