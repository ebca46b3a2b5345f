import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Runs `edgepay start` in a child process and resolves once it listens. */
export const spawnGateway = (env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(ROOT, 'src/cli/edgepay.ts'), 'start'],
      {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start: ${stderr.join('')}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening: ${stderr.join('')}`));
    });
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { message?: string; url?: string };
        if (entry.message === 'edgepay started' && entry.url) {
          clearTimeout(timer);
          resolve({ child, url: entry.url, exited });
        }
      } catch {
        // not a log line
      }
    });
  });
