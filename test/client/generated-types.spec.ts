import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const CLIENT = path.resolve(__dirname, '../../packages/client');
const GENERATED = path.join(CLIENT, 'src/edgepay.schema.ts');
const OPENAPI_TYPESCRIPT = path.resolve(__dirname, '../../node_modules/openapi-typescript/bin/cli.js');

describe('@edgepay/client', () => {
  it('has types generated from the current openapi/edgepay.yaml (npm run client:generate)', async function () {
    this.timeout(60_000);
    const manifest = JSON.parse(readFileSync(path.join(CLIENT, 'package.json'), 'utf8'));
    // The package's own generate script, writing to stdout instead of the file.
    const args = (manifest.scripts.generate as string)
      .split(/\s+/)
      .slice(1)
      .filter((arg, index, all) => arg !== '--output' && all[index - 1] !== '--output');
    const { stdout } = await promisify(execFile)(process.execPath, [OPENAPI_TYPESCRIPT, ...args], {
      cwd: CLIENT,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(stdout.includes('export interface paths'), 'openapi-typescript printed no types');
    assert.ok(
      stdout === readFileSync(GENERATED, 'utf8'),
      'packages/client/src/edgepay.schema.ts is stale: run npm run client:generate',
    );
  });
});
