import { COMMANDS } from '../../src/cli/commands';
import { runCli } from '../../src/cli/run-cli';

/** Runs an `edgepay` command line in this process, capturing what it prints. */
export const cliInProcess = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, COMMANDS, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { LOG_LEVEL: 'error', ...env },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
};
