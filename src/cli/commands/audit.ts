import { AUDIT_OUTPUT_OPTIONS, AUDIT_TOOLS } from '../audit/audit.command';
import { processContext } from '../audit/cli-context';
import type { CliCommand } from '../cli-command';
import { runRebuild } from '../rebuild.command';

/** The audit tools parse their own options; each gets the process's stdout and stderr. */
const ownArgumentsCommand = (
  path: readonly string[],
  { run, summary, usage, details }: (typeof AUDIT_TOOLS)[string],
): CliCommand => ({
  path,
  summary,
  usage,
  ...(details ? { details } : {}),
  ownArguments: true,
  run: ({ args, config, logger }) => run(args, processContext(config, logger)),
});

export const auditCommands: readonly CliCommand[] = [
  ...Object.entries(AUDIT_TOOLS).map(([tool, entry]) => ownArgumentsCommand(['audit', tool], entry)),
  ownArgumentsCommand(['rebuild'], {
    run: runRebuild,
    summary: 'rebuilds the live read models (MongoDB) from the event store; stop the projector first',
    usage: '[--json] [--progress]',
    details: AUDIT_OUTPUT_OPTIONS,
  }),
];
