import type { KeyObject } from 'node:crypto';
import type { EventStore } from '../infrastructure/event-store/event-store';
import { latestCheckpoint } from './audit-checkpoints';
import type { ChainBreak } from './chain-verifier';
import type { SignedCheckpoint } from './checkpoint';
import {
  inScope,
  isTimeCut,
  readExport,
  readManifest,
  manifestPath,
  type ExportManifest,
} from './export-file';
import { scanStore, type ScanProgress } from './scan-store';
import { verifyHistory, type VerifyReport } from './verify-history';

export interface VerifySourceOptions {
  /** Every key whose checkpoints are trusted (more than one across a key rotation). */
  publicKey: KeyObject | readonly KeyObject[];
  /** Held against instead of the newest one the store (or the export's manifest) has. */
  checkpoint?: SignedCheckpoint;
  onProgress?: (progress: ScanProgress) => void;
}

/** The whole store, held against its newest checkpoint (or the one given). */
export const verifyStore = async (
  eventStore: EventStore,
  options: VerifySourceOptions,
): Promise<VerifyReport> => {
  const checkpoint = options.checkpoint ?? (await latestCheckpoint(eventStore));
  return verifyHistory(scanStore(eventStore, options.onProgress), {
    publicKey: options.publicKey,
    ...(checkpoint ? { checkpoint } : {}),
  });
};

/** Where the recomputed export disagrees with what its manifest says was written (a cut or padded file). */
const manifestBreaks = (manifest: ExportManifest, report: VerifyReport): ChainBreak[] => {
  const breaks: ChainBreak[] = [];
  const found = new Map(report.heads.map((head) => [head.streamName, head]));
  for (const head of manifest.heads) {
    const actual = found.get(head.streamName);
    if (!actual) {
      breaks.push({
        kind: 'stream_deleted',
        streamName: head.streamName,
        revision: head.revision,
        detail: `the manifest lists the stream up to revision ${head.revision}; the file has none of it`,
      });
    } else if (actual.revision !== head.revision || actual.hash !== head.hash) {
      breaks.push({
        kind: actual.revision < head.revision ? 'deleted' : 'rewritten',
        streamName: head.streamName,
        revision: actual.revision,
        detail: `the manifest ends the stream at revision ${head.revision}, the file at ${actual.revision} with another hash`,
      });
    }
  }
  if (manifest.eventCount !== report.eventCount) {
    breaks.push({
      kind: manifest.eventCount > report.eventCount ? 'deleted' : 'inserted',
      detail: `the manifest counts ${manifest.eventCount} events, the file holds ${report.eventCount}`,
    });
  }
  return breaks;
};

const PROGRESS_EVERY = 2_000;

async function* counted<T>(
  events: AsyncIterable<T>,
  total: number,
  onProgress: ((progress: ScanProgress) => void) | undefined,
): AsyncGenerator<T> {
  let done = 0;
  for await (const event of events) {
    yield event;
    if ((done += 1) % PROGRESS_EVERY === 0)
      onProgress?.({ done, head: BigInt(total), position: BigInt(done) });
  }
}

/** An export file: its chains, its checkpoint (signature and heads in scope) and its manifest. */
export const verifyExport = async (file: string, options: VerifySourceOptions): Promise<VerifyReport> => {
  const manifest = readManifest(file);
  if (!manifest) throw new Error(`${manifestPath(file)} is missing: an export is the file and its manifest`);
  const checkpoint = options.checkpoint ?? manifest.checkpoint ?? undefined;
  const report = await verifyHistory(counted(readExport(file), manifest.eventCount, options.onProgress), {
    publicKey: options.publicKey,
    ...(checkpoint ? { checkpoint } : {}),
    inScope: inScope(manifest.scope),
    partial: isTimeCut(manifest.scope),
  });
  const breaks = [...report.breaks, ...manifestBreaks(manifest, report)];
  return { ...report, ok: breaks.length === 0, breaks };
};
