/**
 * A progress bar with rate and ETA for long CLI work, on stderr so stdout stays clean for --json.
 * Drawn only when stderr is a terminal or --progress asks for it; otherwise every call does nothing.
 */
export interface Progress {
  /** `fraction` of the work done (0..1) after `done` items. */
  update(done: number, fraction: number): void;
  finish(done: number): void;
}

export interface ProgressTarget {
  isTTY?: boolean;
  write(text: string): unknown;
}

const WIDTH = 30;
const REDRAW_MS = 200;

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

const rate = (perSecond: number): string =>
  perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k/s` : `${Math.round(perSecond)}/s`;

export const progressLine = (label: string, done: number, fraction: number, elapsedMs: number): string => {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * WIDTH);
  const seconds = elapsedMs / 1000;
  const eta = clamped > 0 ? (seconds / clamped) * (1 - clamped) : Number.POSITIVE_INFINITY;
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(clamped * 100).toFixed(1)}% ${done} events ${rate(seconds > 0 ? done / seconds : 0)} ETA ${duration(eta)}`;
};

export const createProgress = (
  label: string,
  options: { forced: boolean; target?: ProgressTarget; now?: () => number },
): Progress => {
  const target = options.target ?? process.stderr;
  const now = options.now ?? Date.now;
  if (!options.forced && !target.isTTY) return { update: () => undefined, finish: () => undefined };
  const started = now();
  let drawn = 0;
  const draw = (line: string, end = '') => target.write(`${target.isTTY ? '\r\x1b[2K' : ''}${line}${end}`);
  return {
    update(done, fraction) {
      const at = now();
      if (at - drawn < REDRAW_MS) return;
      drawn = at;
      draw(progressLine(label, done, fraction, at - started), target.isTTY ? '' : '\n');
    },
    finish(done) {
      draw(progressLine(label, done, 1, now() - started), '\n');
    },
  };
};
