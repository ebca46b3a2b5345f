import { closeSync, existsSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit for a SQLite file in WAL mode with `synchronous = NORMAL`: commits are written to the WAL
 * at once but not synced; `synced()` resolves when one `fdatasync` of the WAL, started after the call, has
 * finished. Every commit made before a sync starts rides on it, so a burst of commands shares one sync, and
 * the sync runs in libuv's thread pool, off the event loop. The WAL is only ever appended to or restarted
 * after a checkpoint that SQLite itself syncs, so syncing it covers every commit written so far.
 */
export class WalGroupCommit {
  private fd: number | undefined;
  private syncing = false;
  private waiting: Waiter[] = [];
  private closed = false;

  constructor(private readonly walPath: string) {}

  synced(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the SQLite file is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      // The first waiter of a batch waits one turn of the loop, so every commit of this tick joins it.
      if (!this.syncing && this.waiting.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Waits for the sync in flight, then stops; later calls to synced() fail. */
  async close(): Promise<void> {
    if (this.waiting.length > 0 || this.syncing) await this.synced().catch(() => undefined);
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private flush(): void {
    if (this.syncing || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    let fd: number | undefined;
    try {
      fd = this.walFd();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error as Error);
      return;
    }
    // No WAL yet: nothing was committed on the file in WAL mode, so there is nothing to sync.
    if (fd === undefined) {
      for (const waiter of batch) waiter.resolve();
      return;
    }
    this.syncing = true;
    fdatasync(fd, (error) => {
      this.syncing = false;
      for (const waiter of batch) {
        if (error) waiter.reject(error);
        else waiter.resolve();
      }
      this.flush();
    });
  }

  private walFd(): number | undefined {
    if (this.fd === undefined) {
      if (!existsSync(this.walPath)) return undefined;
      this.fd = openSync(this.walPath, 'r');
      // The WAL may have just been created: its directory entry must survive a power cut as well.
      const directory = openSync(dirname(this.walPath), 'r');
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
    }
    return this.fd;
  }
}
