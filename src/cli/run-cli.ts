import { parseArgs } from 'node:util';
import { DomainError } from '../domain/shared/domain-error';
import { ConfigError, loadConfig } from '../infrastructure/config';
import { createLogger } from '../infrastructure/logging/logger';
import { UsageError, type CliCommand } from './cli-command';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const usageOf = (command: CliCommand) =>
  `edgepay ${command.path.join(' ')}${command.usage ? ` ${command.usage}` : ''}`;

const listing = (commands: readonly CliCommand[], prefix: readonly string[]) => {
  const shown = commands.filter((command) => prefix.every((word, index) => command.path[index] === word));
  const width = Math.max(...shown.map((command) => command.path.join(' ').length));
  return shown.map((command) => `  ${command.path.join(' ').padEnd(width)}   ${command.summary}`).join('\n');
};

const overview = (commands: readonly CliCommand[], prefix: readonly string[] = []) =>
  [
    `usage: edgepay ${prefix.length ? `${prefix.join(' ')} ` : ''}<command> [options]`,
    '',
    listing(commands, prefix),
    '',
    `Run 'edgepay <command> --help' for a command's options. Configuration comes from the environment`,
    '(see .env.example).',
  ].join('\n');

const helpOf = (command: CliCommand) =>
  [`usage: ${usageOf(command)}`, '', command.summary, ...(command.details ? ['', command.details] : [])].join(
    '\n',
  );

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

/** The command whose words start the arguments, the longest match first. */
const findCommand = (commands: readonly CliCommand[], args: readonly string[]) =>
  [...commands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((command) => command.path.every((word, index) => args[index] === word));

const parse = (command: CliCommand, args: string[]) => {
  try {
    return parseArgs({ args, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const option = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new UsageError(
      option ? `unknown option '${option}'` : (message.split('. ')[0] ?? message),
      command.path.join(' '),
    );
  }
};

/** One clear line for the errors a user can cause or fix; anything else is a bug and says so. */
export const describeError = (error: unknown): string => {
  if (error instanceof ConfigError) return error.message.replace(/:\n\s+/, ': ').replace(/\n\s+/g, '; ');
  if (error instanceof UsageError) return `${error.message} (see 'edgepay ${error.helpFor} --help')`;
  if (error instanceof DomainError) return `${error.message} (${error.code})`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const { address, port } = (error ?? {}) as { address?: string; port?: number };
  if (code === 'EADDRINUSE') return `port ${port} on ${address} is already in use; set PORT to a free port`;
  if (code === 'EACCES' && port !== undefined) return `no permission to listen on port ${port}; set PORT`;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
};

/**
 * Runs one command line. Resolves with the exit code for commands that finish, or undefined for a server
 * that keeps running. Help needs no configuration, so it works with a broken environment too.
 */
export const runCli = async (
  args: string[],
  commands: readonly CliCommand[],
  io: CliIo,
): Promise<number | undefined> => {
  const command = findCommand(commands, args);
  if (!command) {
    const group = commands.some((candidate) => candidate.path[0] === args[0] && candidate.path.length > 1);
    const prefix = group ? [args[0] as string] : [];
    if (args.length === 0 || wantsHelp(args) || args[0] === 'help' || (group && args.length === 1)) {
      const help = args.length > 0 && (wantsHelp(args) || args[0] === 'help');
      (help ? io.out : io.err)(overview(commands, prefix));
      return help ? 0 : 2;
    }
    const unknown = group ? `${args[0]} ${args[1]}` : args[0];
    io.err(`edgepay: unknown command '${unknown}' (see 'edgepay${group ? ` ${args[0]}` : ''} --help')`);
    return 2;
  }
  const rest = args.slice(command.path.length);
  if (wantsHelp(rest)) {
    io.out(helpOf(command));
    return 0;
  }
  try {
    const { values, positionals } = command.ownArguments
      ? { values: {}, positionals: [] }
      : parse(command, rest);
    const expected = command.positionals ?? [];
    if (positionals.length !== expected.length) {
      throw new UsageError(
        expected.length ? `expected ${expected.join(' ')}` : `unexpected argument '${positionals[0]}'`,
        command.path.join(' '),
      );
    }
    const config = loadConfig(io.env);
    const logger = createLogger({ level: config.LOG_LEVEL });
    const code = await command.run({
      values,
      positionals,
      config,
      logger,
      out: io.out,
      err: io.err,
      args: rest,
    });
    if (typeof code === 'number') return code;
    return command.keepsRunning ? undefined : 0;
  } catch (error) {
    io.err(`edgepay ${command.path.join(' ')}: ${describeError(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
};
