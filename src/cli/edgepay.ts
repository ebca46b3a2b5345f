#!/usr/bin/env node
import { COMMANDS } from './commands';
import { describeError, runCli } from './run-cli';

const io = {
  out: (line: string) => console.log(line),
  err: (line: string) => console.error(line),
  env: process.env,
};

runCli(process.argv.slice(2), COMMANDS, io).then(
  (code) => {
    // A failed server start may leave clients open; a finished command exits with its code either way.
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    console.error(`edgepay: ${describeError(error)}`);
    process.exit(1);
  },
);
