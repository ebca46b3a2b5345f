import { processContext, type CliContext } from '../audit/cli-context';
import { auditExport } from '../audit/export.command';
import { auditReplay } from '../audit/replay.command';
import { auditAnchor, auditCheckpoint, auditPublicKey } from '../audit/sign.command';
import { auditVerify } from '../audit/verify.command';
import type { CliCommand } from '../cli-command';
import { runRebuild } from '../rebuild.command';

type AuditTool = (args: string[], context: CliContext) => Promise<number>;

/** The audit tools parse their own options; each gets the process's stdout and stderr. */
const auditCommand = (
  path: readonly string[],
  tool: AuditTool,
  summary: string,
  usage: string,
  details?: string,
): CliCommand => ({
  path,
  summary,
  usage,
  ...(details ? { details } : {}),
  ownArguments: true,
  run: ({ args, config, logger }) => tool(args, processContext(config, logger)),
});

const OUTPUT =
  '  --json              one JSON document on stdout\n  --progress          a progress bar on stderr even when it is not a terminal';

export const auditCommands: readonly CliCommand[] = [
  auditCommand(
    ['audit', 'export'],
    auditExport,
    'writes events with their hashes as NDJSON, and FILE.manifest.json (counts, positions, chain heads, checkpoint)',
    '[--stream S | --category C] [--since T] [--until T] --out FILE [--json] [--progress]',
    OUTPUT,
  ),
  auditCommand(
    ['audit', 'verify'],
    auditVerify,
    'recomputes every chain and checkpoint signature of an export or the store; exit 1 on any break',
    'FILE | --store [--public-key PEM_FILE ...] [--checkpoint JSON_FILE] [--json] [--progress]',
    `  --public-key FILE   trust this Ed25519 public key (repeat across a key rotation)\n  --checkpoint FILE   also check against a checkpoint the auditor kept\n${OUTPUT}`,
  ),
  auditCommand(
    ['audit', 'replay'],
    auditReplay,
    'rebuilds every read model from an export and compares them (exit 1 on a difference)',
    'FILE [--against FILE2] [--json] [--progress]',
    OUTPUT,
  ),
  auditCommand(
    ['audit', 'checkpoint'],
    auditCheckpoint,
    'verifies every chain and signs a checkpoint of all stream heads now',
    '[--json]',
  ),
  auditCommand(
    ['audit', 'anchor'],
    auditAnchor,
    'records the heads of streams written before the hash chain existed',
    '[--json]',
  ),
  auditCommand(
    ['audit', 'public-key'],
    auditPublicKey,
    'prints the public key of AUDIT_SIGNING_KEY, for auditors',
    '',
  ),
  auditCommand(
    ['rebuild'],
    runRebuild,
    'rebuilds the live read models (MongoDB) from the event store; stop the projector first',
    '[--json] [--progress]',
    OUTPUT,
  ),
];
