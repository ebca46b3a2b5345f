import type { CliContext } from './cli-context';
import { UsageError } from './cli-context';
import { auditExport } from './export.command';
import { auditReplay } from './replay.command';
import { auditAnchor, auditCheckpoint, auditPublicKey } from './sign.command';
import { auditVerify } from './verify.command';

export type AuditTool = (args: string[], context: CliContext) => Promise<number>;

export interface AuditToolEntry {
  run: AuditTool;
  summary: string;
  usage: string;
  details?: string;
}

export const AUDIT_OUTPUT_OPTIONS =
  '  --json              one JSON document on stdout\n  --progress          a progress bar on stderr even when it is not a terminal';

/** Every `edgepay audit <tool>`, with its help: the CLI's command table is built from this one. */
export const AUDIT_TOOLS: Readonly<Record<string, AuditToolEntry>> = {
  export: {
    run: auditExport,
    summary:
      'writes events with their hashes as NDJSON, and FILE.manifest.json (counts, positions, chain heads, checkpoint)',
    usage: '[--stream S | --category C] [--since T] [--until T] --out FILE [--json] [--progress]',
    details: AUDIT_OUTPUT_OPTIONS,
  },
  verify: {
    run: auditVerify,
    summary: 'recomputes every chain and checkpoint signature of an export or the store; exit 1 on any break',
    usage: 'FILE | --store [--public-key PEM_FILE ...] [--checkpoint JSON_FILE] [--json] [--progress]',
    details: `  --public-key FILE   trust this Ed25519 public key (repeat across a key rotation)\n  --checkpoint FILE   also check against a checkpoint the auditor kept\n${AUDIT_OUTPUT_OPTIONS}`,
  },
  replay: {
    run: auditReplay,
    summary: 'rebuilds every read model from an export and compares them (exit 1 on a difference)',
    usage: 'FILE [--against FILE2] [--json] [--progress]',
    details: AUDIT_OUTPUT_OPTIONS,
  },
  checkpoint: {
    run: auditCheckpoint,
    summary: 'verifies every chain and signs a checkpoint of all stream heads now',
    usage: '[--json]',
  },
  anchor: {
    run: auditAnchor,
    summary: 'records the heads of streams written before the hash chain existed',
    usage: '[--json]',
  },
  'public-key': {
    run: auditPublicKey,
    summary: 'prints the public key of AUDIT_SIGNING_KEY, for auditors',
    usage: '',
  },
};

/** `edgepay audit <tool> ...` in process (tests, embedding): the exit status to leave with. */
export const runAudit = async (tool: string | undefined, args: string[], context: CliContext) => {
  const entry = tool ? AUDIT_TOOLS[tool] : undefined;
  if (!entry) {
    throw new UsageError(`unknown audit tool '${tool ?? ''}'; one of ${Object.keys(AUDIT_TOOLS).join(', ')}`);
  }
  return entry.run(args, context);
};
