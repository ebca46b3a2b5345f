import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

export interface SpawnedServer {
  child: ChildProcess;
  /** Resolves with the URL once the process logs that it listens. */
  listening: Promise<string>;
  /** The process's own CPU time so far (user + system), in seconds, from /proc. */
  cpuSeconds(): number;
  /** The process's peak resident set so far, in MB, from /proc (VmHWM). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

/** Runs a TypeScript entry point under tsx in its own process (the gateway's `edgepay start`, or a baseline). */
export const spawnServer = (
  entry: string,
  args: string[],
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): SpawnedServer => {
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--require', 'tsx/cjs', path.join(ROOT, entry), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const listening = new Promise<string>((resolve, reject) => {
    void exited.then(() => reject(new Error(`${entry} exited before listening: ${stderr.join('')}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { message?: string; url?: string };
        if (entry.message === 'edgepay started' && entry.url) resolve(entry.url);
      } catch {
        // not a log line
      }
    });
  });
  const proc = (file: string) => readFileSync(`/proc/${child.pid}/${file}`, 'utf8');
  return {
    child,
    listening,
    cpuSeconds: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name in parentheses.
      const fields = proc('stat')
        .slice(proc('stat').lastIndexOf(')') + 2)
        .split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    },
    peakRssMb: () => Number(/VmHWM:\s+(\d+) kB/.exec(proc('status'))?.[1] ?? 0) / 1024,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** GETs `url`; the status and how long the answer took, or status 0 when nothing answered. */
export const probe = async (url: string, timeoutMs = 5_000): Promise<{ status: number; ms: number }> => {
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
};
