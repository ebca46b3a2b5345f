import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** How often the thread copies the WAL's committed frames into the database file. */
  intervalMs: number;
}

/**
 * The thread's code: its own connection to the file, a PASSIVE checkpoint every interval. PASSIVE takes no
 * lock a writer or reader waits for; it copies what no reader still needs, syncs the WAL before and the
 * database file after (synchronous = NORMAL), and the next write of the main connection restarts the WAL
 * once all of it is copied. Plain JavaScript, so it runs the same from src/ (tsx) and from dist/.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 0 });
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let reported = -1;
const timer = setInterval(() => {
  // A checkpoint that fails (another one running, the disk) is tried again at the next interval.
  try {
    const [result] = checkpoint.all();
    if (result.checkpointed === reported) return;
    reported = result.checkpointed;
    parentPort.postMessage(reported);
  } catch {}
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a SQLite file's WAL from a worker thread, so the copy of the WAL into the database file and
 * the two syncs it takes never run on the event loop (docs/decisions/0041). SQLite's own automatic
 * checkpoint runs inside the commit that crosses its threshold: about 90 ms for 10,000 pages here, during
 * which every request in flight waited.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private checkpointedFrames = 0;

  constructor(path: string, options: WalCheckpointerOptions) {
    this.worker = new Worker(THREAD, {
      eval: true,
      workerData: { path, driver: require.resolve('better-sqlite3'), intervalMs: options.intervalMs },
    });
    // A checkpoint never keeps the process alive; close() ends the thread.
    this.worker.unref();
    this.worker.on('message', (frames: number) => (this.checkpointedFrames = frames));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // A thread that fails to start or dies leaves the connection's own automatic checkpoint as the bound.
    this.worker.on('error', () => undefined);
  }

  /**
   * The frames the latest checkpoint found copied into the database file (SQLite counts the whole current
   * WAL, so this is a level, not a running total), for specs and diagnostics.
   */
  get frames(): number {
    return this.checkpointedFrames;
  }

  async close(): Promise<void> {
    // Held while it ends: an unreferenced thread would let a process with nothing else to do exit before
    // the closing caller resumed (a CLI command, before printing its answer).
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
