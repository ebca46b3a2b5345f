import { parseArgs } from 'node:util';
import { exportHistory } from '../../audit/export-history';
import { manifestPath } from '../../audit/export-file';
import { systemClock } from '../../infrastructure/clock';
import { progressFor, scanProgress, UsageError, withEventStore, type CliContext } from './cli-context';

const timestamp = (value: string | undefined, name: string): string | undefined => {
  if (value === undefined) return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new UsageError(`--${name} must be an ISO 8601 time, got ${value}`);
  return new Date(parsed).toISOString();
};

/** `audit export [--stream S | --category C] [--since T] [--until T] --out FILE [--json] [--progress]` */
export const auditExport = async (args: string[], context: CliContext): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      stream: { type: 'string' },
      category: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      progress: { type: 'boolean' },
    },
  });
  if (!values.out) throw new UsageError('audit export needs --out FILE');
  if (values.stream && values.category)
    throw new UsageError('audit export takes --stream or --category, not both');
  const since = timestamp(values.since, 'since');
  const until = timestamp(values.until, 'until');
  const scope = {
    ...(values.stream ? { stream: values.stream } : {}),
    ...(values.category ? { category: values.category } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
  const progress = progressFor(context, 'export', values.progress);
  const out = values.out;
  const manifest = await withEventStore(context.config, (eventStore) =>
    exportHistory({ eventStore, clock: systemClock, onProgress: scanProgress(progress) }, scope, out),
  );
  progress.finish(manifest.eventCount);
  const { heads: _heads, checkpoint, ...summary } = manifest;
  context.out(
    values.json
      ? JSON.stringify({
          file: out,
          manifest: manifestPath(out),
          ...summary,
          checkpointSignedAt: checkpoint?.signedAt ?? null,
        })
      : `exported ${manifest.eventCount} events of ${manifest.streamCount} streams to ${out} (manifest ${manifestPath(out)})` +
          (checkpoint ? `; checkpoint signed at ${checkpoint.signedAt}` : '; no checkpoint yet'),
  );
  return 0;
};
