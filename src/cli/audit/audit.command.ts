import type { CliContext } from './cli-context';
import { UsageError } from './cli-context';
import { auditExport } from './export.command';
import { auditReplay } from './replay.command';
import { auditAnchor, auditCheckpoint, auditPublicKey } from './sign.command';
import { auditVerify } from './verify.command';

export const AUDIT_USAGE = `  audit export [--stream S | --category C] [--since T] [--until T] --out FILE
                             NDJSON events with their hashes, and FILE.manifest.json (counts, positions,
                             chain heads, the latest signed checkpoint)
  audit verify FILE | --store [--public-key PEM_FILE ...] [--checkpoint JSON_FILE]
                             recomputes every chain and checkpoint signature; exit 1 on any break
                             (--public-key repeated: every key trusted across a rotation)
  audit replay FILE [--against FILE2]
                             rebuilds every read model from an export and compares (exit 1 on a difference)
  audit checkpoint           verifies every chain and signs a checkpoint of all stream heads now
  audit anchor               records the heads of streams written before the hash chain existed
  audit public-key           prints the public key of AUDIT_SIGNING_KEY, for auditors
  rebuild                    rebuilds the live read models from the event store
                             (--json for machine output, --progress for a progress bar on stderr
                             when it is not a terminal)`;

const COMMANDS: Record<string, (args: string[], context: CliContext) => Promise<number>> = {
  export: auditExport,
  verify: auditVerify,
  replay: auditReplay,
  checkpoint: auditCheckpoint,
  anchor: auditAnchor,
  'public-key': auditPublicKey,
};

/** `edgepay audit <subcommand> ...`: the exit status to leave with. */
export const runAudit = async (subcommand: string | undefined, args: string[], context: CliContext) => {
  const command = subcommand ? COMMANDS[subcommand] : undefined;
  if (!command) throw new UsageError(`usage:\n${AUDIT_USAGE}`);
  return command(args, context);
};
