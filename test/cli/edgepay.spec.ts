import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMANDS } from '../../src/cli/commands';
import { cliInProcess as cli } from '../support/cli-in-process';
import { gatewayEnvironment } from '../support/gateway-process';

const ROOT = path.resolve(__dirname, '../..');

const oneLine = (text: string) => {
  assert.equal(text.trim().split('\n').length, 1, `not one line: ${text}`);
  assert.doesNotMatch(text, /\n\s+at /, 'a stack trace');
};

describe('edgepay CLI', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { EDGEPAY_DATA_DIR: dataDir };

  it('--help lists every command and exits 0', async () => {
    const { code, out } = await cli(['--help']);
    assert.equal(code, 0);
    for (const command of COMMANDS) assert.ok(out.includes(command.path.join(' ')), command.path.join(' '));
  });

  it("every command's --help exits 0 with its usage, without reading the configuration", async () => {
    for (const command of COMMANDS) {
      const { code, out } = await cli([...command.path, '--help'], { PORT: 'not-a-port' });
      assert.equal(code, 0, command.path.join(' '));
      assert.match(out, new RegExp(`^usage: edgepay ${command.path.join(' ')}`));
    }
  });

  it('keys create --help names every valid scope', async () => {
    const { out } = await cli(['keys', 'create', '--help']);
    for (const scope of ['payments:read', 'charges:write', 'terminals:write', 'webhooks:read', 'admin']) {
      assert.ok(out.includes(scope), scope);
    }
  });

  it('an unknown command, option or scope is one line on stderr and exit 2', async () => {
    for (const args of [
      ['bogus'],
      ['keys', 'bogus'],
      ['start', '--nope'],
      ['keys', 'revoke'],
      ['keys', 'create'],
      ['keys', 'create', '--merchant', 'mer_1', '--scopes', 'payments:read payments:fly'],
    ]) {
      const { code, out, err } = await cli(args, env);
      assert.equal(code, 2, args.join(' '));
      assert.equal(out, '');
      oneLine(err);
    }
    assert.match(
      (await cli(['keys', 'create', '--merchant', 'm', '--scopes', 'x:y'], env)).err,
      /unknown scope 'x:y'/,
    );
  });

  it('a bad configuration is one line naming the variable, exit 1', async () => {
    const { code, err } = await cli(['start'], { PORT: 'eighty', EDGEPAY_DATA_DIR: dataDir });
    assert.equal(code, 1);
    oneLine(err);
    assert.match(err, /PORT/);
  });

  it('keys create, list and revoke: the list shows the key, then its revocation; revoking twice is refused', async () => {
    const created = await cli(
      ['keys', 'create', '--merchant', 'mer_cli', '--scopes', 'payments:read', '--name', 'pos'],
      env,
    );
    assert.equal(created.code, 0);
    const { apiKeyId, key } = JSON.parse(created.out) as { apiKeyId: string; key: string };
    assert.match(key, /^epk_test_/);

    const listed = (await cli(['keys', 'list', '--merchant', 'mer_cli'], env)).out
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      listed.map(({ apiKeyId: id, name, status, scopes }) => ({ id, name, status, scopes })),
      [{ id: apiKeyId, name: 'pos', status: 'active', scopes: ['payments:read'] }],
    );
    assert.ok(!JSON.stringify(listed).includes(key), 'the list never shows the key');

    assert.equal((await cli(['keys', 'revoke', apiKeyId, '--reason', 'lost'], env)).code, 0);
    assert.equal((await cli(['keys', 'list', '--merchant', 'mer_cli', '--active'], env)).out, '');
    const again = await cli(['keys', 'revoke', apiKeyId], env);
    assert.equal(again.code, 1);
    oneLine(again.err);
    assert.equal((await cli(['keys', 'revoke', 'key_unknown'], env)).code, 1);
  });

  describe('a busy port', function () {
    this.timeout(60_000);
    let blocker: Server;
    before(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    });
    after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    it('start says the port is in use, in one line, and exits 1', async () => {
      const { port } = blocker.address() as { port: number };
      const child = spawn(
        process.execPath,
        ['--require', 'tsx/cjs', path.join(ROOT, 'src/cli/edgepay.ts'), 'start'],
        {
          cwd: ROOT,
          env: gatewayEnvironment({ EDGEPAY_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'error' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1);
      oneLine(stderr);
      assert.match(stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    });
  });
});
