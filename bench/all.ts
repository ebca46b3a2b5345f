/**
 * `npm run bench`: runs every bench/*.bench.ts file in turn, each with `--json` (one line of
 * `{"rows":[{"figure","baseline","gateway","ratio"}]}` on stdout), and prints all the rows as one table,
 * side by side, from this one run. Each file's own progress goes to stderr and is passed through.
 *
 *   npm run bench                         every bench file
 *   npm run bench -- rebuild cold-start   only the files whose names contain one of these words
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { markdownTable, type BenchRow } from './support/rows';

const runJson = (file: string): Promise<{ rows: BenchRow[]; code: number | null }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, file), '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => {
      const line = stdout
        .split('\n')
        .reverse()
        .find((candidate) => candidate.startsWith('{"rows"'));
      const rows = line ? (JSON.parse(line) as { rows: BenchRow[] }).rows : [];
      resolve({ rows, code });
    });
  });

const main = async () => {
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => only.length === 0 || only.some((word) => file.includes(word)))
    .sort();
  const rows: BenchRow[] = [];
  let failed = false;
  for (const file of files) {
    process.stderr.write(`\n== ${file}\n`);
    const started = performance.now();
    const result = await runJson(file);
    process.stderr.write(
      `== ${file}: exit ${result.code}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
    if (result.code !== 0) failed = true;
    rows.push(
      ...(result.rows.length > 0
        ? result.rows
        : [{ figure: file, baseline: '-', gateway: `no --json rows (exit ${result.code})`, ratio: '-' }]),
    );
  }
  console.log(`\n${markdownTable(rows)}`);
  if (failed) process.exitCode = 1;
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
