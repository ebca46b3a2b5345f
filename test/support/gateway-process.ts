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

/**
 * The whole environment of a spawned gateway: what the operating system needs to run node, the test
 * defaults, and the spec's own settings. Nothing else of the caller's (a REDIS_URL or EVENTSTORE_URL set
 * in the shell would otherwise switch the child to other adapters and their leftover state).
 */
export const gatewayEnvironment = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const inherited: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SystemRoot']) {
    if (process.env[name] !== undefined) inherited[name] = process.env[name];
  }
  return { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
};

/** Spawns a node script with tsx and the gateway environment; resolves once it logs 'edgepay started'. */
export const spawnListening = (
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<GatewayProcess> =>
  spawnCommandListening(process.execPath, ['--require', 'tsx/cjs', ...args], env, timeoutMs);

/** Spawns any command (`npm start`, say) with the gateway environment; resolves once the gateway listens. */
export const spawnCommandListening = (
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<GatewayProcess & { pid?: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: gatewayEnvironment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { message?: string; url?: string; pid?: number };
        if (entry.message === 'edgepay started' && entry.url) {
          clearTimeout(timer);
          resolve({ child, url: entry.url, exited, ...(entry.pid ? { pid: entry.pid } : {}) });
        }
      } catch {
        // not a log line
      }
    });
  });

/** Runs `edgepay start` in a child process and resolves once it listens. */
export const spawnGateway = (env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> =>
  spawnListening([path.join(ROOT, 'src/cli/edgepay.ts'), 'start'], env, timeoutMs);
