/**
 * The row shape every bench file prints with `--json` (one line), so `npm run bench` (bench/all.ts) can
 * put the issue's table together from one run: a figure, its baseline, the gateway's value, their ratio.
 */
export interface BenchRow {
  figure: string;
  baseline: string;
  gateway: string;
  ratio: string;
}

export const wantsJson = (): boolean => process.argv.includes('--json');

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

export const formatRate = (perSecond: number, unit: string): string =>
  `${perSecond >= 10_000 ? `${(perSecond / 1000).toFixed(1)}k` : Math.round(perSecond)} ${unit}`;

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`;

export const markdownTable = (rows: readonly BenchRow[]): string =>
  [
    '| figure | baseline | gateway | ratio |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.figure} | ${row.baseline} | ${row.gateway} | ${row.ratio} |`),
  ].join('\n');

/** Prints the rows: one JSON line with `--json` (for bench/all.ts), else a markdown table. */
export const printRows = (rows: readonly BenchRow[]): void => {
  if (wantsJson()) console.log(JSON.stringify({ rows }));
  else console.log(`\n${markdownTable(rows)}`);
};

export const intEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

/** Progress for a human, kept off stdout so `--json` stays one clean line. */
export const note = (message: string): void => void process.stderr.write(`${message}\n`);
