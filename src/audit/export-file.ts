import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { EventMetadata, RecordedEvent } from '../infrastructure/event-store/event-store';
import type { StreamHead } from './chain-verifier';
import type { SignedCheckpoint } from './checkpoint';

export const EXPORT_FORMAT = 'edgepay-audit-export/1';

export interface ExportScope {
  stream?: string;
  category?: string;
  /** recordedAt bounds, inclusive, ISO 8601. */
  since?: string;
  until?: string;
}

/** Written next to the events, as `<file>.manifest.json`. Not signed: the checkpoint inside is. */
export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  scope: ExportScope;
  eventCount: number;
  streamCount: number;
  firstPosition: string | null;
  lastPosition: string | null;
  heads: StreamHead[];
  checkpoint: SignedCheckpoint | null;
}

/** One line of the export: the event as stored, its chain hashes in `metadata`. */
interface ExportLine {
  position: string;
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: string;
}

export const manifestPath = (file: string): string => `${file}.manifest.json`;

export const inScope =
  (scope: ExportScope) =>
  (streamName: string): boolean =>
    scope.stream !== undefined
      ? streamName === scope.stream
      : scope.category === undefined || streamName.startsWith(`${scope.category}-`);

export const isTimeCut = (scope: ExportScope): boolean =>
  scope.since !== undefined || scope.until !== undefined;

export const inTime = (scope: ExportScope, recordedAt: string): boolean =>
  (scope.since === undefined || recordedAt >= scope.since) &&
  (scope.until === undefined || recordedAt <= scope.until);

export class ExportWriter {
  private readonly out;

  constructor(file: string) {
    this.out = createWriteStream(file, { encoding: 'utf8' });
  }

  async write(event: RecordedEvent): Promise<void> {
    const line: ExportLine = {
      position: String(event.position),
      streamName: event.streamName,
      revision: event.revision,
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt,
    };
    if (!this.out.write(`${JSON.stringify(line)}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

export const writeManifest = (file: string, manifest: ExportManifest): void =>
  writeFileSync(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);

export const readManifest = (file: string): ExportManifest | undefined => {
  const path = manifestPath(file);
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as ExportManifest;
  if (manifest.format !== EXPORT_FORMAT) throw new Error(`${path} is not an ${EXPORT_FORMAT} manifest`);
  return manifest;
};

/** The events of an export file, in file order, as the store recorded them. */
export async function* readExport(file: string): AsyncGenerator<RecordedEvent> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    let line: ExportLine;
    try {
      line = JSON.parse(text) as ExportLine;
    } catch {
      throw new Error(`${file}:${number} is not JSON`);
    }
    yield { ...line, position: BigInt(line.position) };
  }
}
