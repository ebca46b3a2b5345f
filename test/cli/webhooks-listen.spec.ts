import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { Webhook } from 'standardwebhooks';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = `whsec_${Buffer.from('a local receiver secret of 32 b!').toString('base64')}`;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const runCli = (args: string[]) =>
  spawn(process.execPath, ['--require', 'tsx/cjs', 'src/cli/edgepay.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const linesOf = (stream: NodeJS.ReadableStream) => {
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  readline.createInterface({ input: stream }).on('line', (line) => {
    lines.push(line);
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async (count: number) => {
    while (lines.length < count) await new Promise<void>((wake) => waiters.push(wake));
    return lines[count - 1] as string;
  };
  return { lines, next };
};

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

const delivery = (secret: string, id: string, event: object) => {
  const body = JSON.stringify(event);
  const timestamp = new Date();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
    },
  };
};

describe('CLI: edgepay webhooks listen', function () {
  this.timeout(30_000);

  it('prints each verified delivery as one JSON line and answers 401 to a forged one', async () => {
    const port = await freePort();
    const child = runCli(['webhooks', 'listen', '--port', String(port), '--secret', SECRET]);
    try {
      const stdout = linesOf(child.stdout!);
      const stderr = linesOf(child.stderr!);
      assert.equal(await stderr.next(1), `listening on http://127.0.0.1:${port}/`);
      const event = {
        id: 'evt_1',
        type: 'payment_intent.captured',
        timestamp: '2026-11-27T05:00:00Z',
        data: {},
      };
      const good = delivery(SECRET, 'msg_1', event);
      const accepted = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', ...good });
      assert.equal(accepted.status, 204);
      assert.deepEqual(JSON.parse(await stdout.next(1)), { webhookId: 'msg_1', redelivery: false, event });

      const forged = delivery(
        `whsec_${Buffer.from('another secret, not the right one').toString('base64')}`,
        'msg_2',
        event,
      );
      const refused = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', ...forged });
      assert.equal(refused.status, 401);
      assert.equal(await stderr.next(2), 'refused: delivery msg_2 failed verification');

      const again = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', ...good });
      assert.equal(again.status, 204);
      assert.equal(JSON.parse(await stdout.next(2)).redelivery, true);
      assert.equal(stdout.lines.length, 2, 'the forged delivery was printed');
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exitOf(child), 0);
    }
  });

  it('refuses to start without a signing secret, in one line', async () => {
    const child = runCli(['webhooks', 'listen', '--port', '0']);
    const stderr = linesOf(child.stderr!);
    assert.equal(await exitOf(child), 2);
    assert.deepEqual(stderr.lines, [
      'edgepay webhooks listen: needs --secret whsec_... (the secret the subscription showed)',
    ]);
  });
});
