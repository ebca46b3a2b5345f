import type { Clock } from '../infrastructure/clock';
import type { EventStore, RecordedEvent } from '../infrastructure/event-store/event-store';
import { latestCheckpoint } from './audit-checkpoints';
import { ChainVerifier } from './chain-verifier';
import {
  EXPORT_FORMAT,
  ExportWriter,
  inScope,
  inTime,
  isTimeCut,
  writeManifest,
  type ExportManifest,
  type ExportScope,
} from './export-file';
import { scanStore, type ScanProgress } from './scan-store';

export interface ExportDeps {
  eventStore: EventStore;
  clock: Clock;
  onProgress?: (progress: ScanProgress) => void;
}

const selectedEvents = (
  eventStore: EventStore,
  scope: ExportScope,
  onProgress?: (progress: ScanProgress) => void,
): AsyncIterable<RecordedEvent> | Promise<RecordedEvent[]> =>
  scope.stream !== undefined ? eventStore.readStream(scope.stream) : scanStore(eventStore, onProgress);

/**
 * Writes the events in scope, as stored (hashes included), to `file` as NDJSON, and the manifest next to
 * it. The latest checkpoint goes in whole, since its signature covers every head it holds.
 */
export const exportHistory = async (
  deps: ExportDeps,
  scope: ExportScope,
  file: string,
): Promise<ExportManifest> => {
  const checkpoint = await latestCheckpoint(deps.eventStore);
  const wanted = inScope(scope);
  const verifier = new ChainVerifier({ partial: isTimeCut(scope) });
  const writer = new ExportWriter(file);
  let firstPosition: bigint | undefined;
  let lastPosition: bigint | undefined;
  try {
    for await (const event of await selectedEvents(deps.eventStore, scope, deps.onProgress)) {
      if (!wanted(event.streamName) || !inTime(scope, event.recordedAt)) continue;
      await writer.write(event);
      verifier.add(event);
      firstPosition ??= event.position;
      lastPosition = event.position;
    }
  } finally {
    await writer.close();
  }
  const heads = verifier.heads();
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    exportedAt: deps.clock.now().toISOString(),
    scope,
    eventCount: verifier.eventCount,
    streamCount: heads.length,
    firstPosition: firstPosition === undefined ? null : String(firstPosition),
    lastPosition: lastPosition === undefined ? null : String(lastPosition),
    heads,
    checkpoint: checkpoint ?? null,
  };
  writeManifest(file, manifest);
  return manifest;
};
