import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../infrastructure/config';
import type { Logger } from '../infrastructure/logging/logger';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

export interface CliRun {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  config: Config;
  logger: Logger;
  /** A line of the command's answer (stdout). */
  out: (line: string) => void;
  /** A line for the person at the terminal (stderr). */
  err: (line: string) => void;
  /** The arguments after the command's words, for commands that parse their own (`ownArguments`). */
  args: string[];
}

/** One `edgepay` command: a module of its own, registered in the table of src/cli/commands.ts. */
export interface CliCommand {
  /** The words that select it, e.g. ['keys', 'create']. */
  path: readonly string[];
  /** One line for the command list. */
  summary: string;
  /** Its arguments, after the command's words: `--merchant <id> [--name <text>]`. */
  usage: string;
  /** More lines for `--help`: what each option means, what it prints. */
  details?: string;
  options?: CliOptions;
  /** Positional arguments it takes (names for the usage check); none by default. */
  positionals?: readonly string[];
  /** Parses its own arguments from `args` (audit tools with their own option sets); no table check. */
  ownArguments?: boolean;
  /** A server: the process lives on after `run` resolves, until a signal stops it. */
  keepsRunning?: boolean;
  /**
   * Does the work. One-shot commands resolve when done (exit 0); servers resolve once listening and
   * keep the process alive until a signal. A number is the exit status (e.g. 1 for a broken chain).
   */
  run(input: CliRun): Promise<void | number>;
}

/** Wrong words or options on the command line: exit 2, with a pointer to the help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly helpFor: string,
  ) {
    super(message);
  }
}
