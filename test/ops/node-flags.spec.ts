import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  config: { nodeFlags: string };
  scripts: { start: string };
};
const flags = manifest.config.nodeFlags.split(' ').filter(Boolean);

describe('ops: the gateway runs with the same node flags everywhere (decision 0043)', () => {
  it('npm start passes package.json config.nodeFlags to node', () => {
    assert.ok(flags.length > 0);
    assert.match(
      manifest.scripts.start,
      /^exec node \$npm_package_config_nodeFlags dist\/cli\/edgepay\.js start$/,
    );
  });

  it("the image's entry point passes the same flags", () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile);
    assert.ok(entry, 'an exec-form ENTRYPOINT');
    assert.deepEqual(JSON.parse(entry[1]!), ['node', ...flags, 'dist/cli/edgepay.js']);
  });

  it('node accepts them, as it refuses a flag it does not know', () => {
    assert.equal(
      execFileSync(process.execPath, [...flags, '-p', '6 * 7'])
        .toString()
        .trim(),
      '42',
    );
    assert.throws(
      () => execFileSync(process.execPath, ['--max-semi-space-sise=32', '-p', '1'], { stdio: 'pipe' }),
      /bad option|Command failed/,
    );
  });
});
