import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { edenredConfigSchema } from '../../src/integrations/edenred/edenred-config';
import { httpEdenredClient } from '../../src/integrations/edenred/edenred-http-client';
import { gatewayEnvironment } from '../support/gateway-process';

const ROOT = path.resolve(__dirname, '../..');
const REDIRECT_URI = 'https://gateway.example/v1/edenred/callback';

describe('edgepay simulate edenred', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGTERM');
    child = undefined;
  });

  it('prints its URL, the test user and the EDENRED_* variables, and serves a login and a payment', async () => {
    child = spawn(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        path.join(ROOT, 'src/cli/edgepay.ts'),
        'simulate',
        'edenred',
        '--access-token-lifetime',
        '120',
      ],
      {
        cwd: ROOT,
        env: gatewayEnvironment({
          LOG_LEVEL: 'error',
          // A shared .env: the gateway's whole Edenred set (all or none), the simulator's own URL aside.
          EDENRED_AUTH_URL: 'http://127.0.0.1:4100',
          EDENRED_API_URL: 'http://127.0.0.1:4100',
          EDENRED_CLIENT_ID: 'shared-sso-client',
          EDENRED_CLIENT_SECRET: 'shared-sso-secret',
          EDENRED_PAYMENT_CLIENT_ID: 'shared-payment-client',
          EDENRED_PAYMENT_CLIENT_SECRET: 'shared-payment-secret',
          EDENRED_MID: '4242',
          EDENRED_BATCH_NO: '1000',
          EDENRED_SERVICE_ID: '300051',
          EDENRED_TERMINAL_NO: '17',
          EDENRED_TRANSACTION_SOURCE: 'EDGEPAY',
          EDENRED_HASH_SECRET: 'shared-hash-secret',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const printed = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child?.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/EDENRED_TRANSACTION_LOOKUP=true\n/.test(stdout)) resolve(stdout);
      });
      child?.once('exit', (code) => reject(new Error(`exited ${code}: ${stdout}`)));
    });
    assert.match(printed, /^Edenred simulator on http:\/\/127\.0\.0\.1:\d+ /);
    assert.match(printed, /test user: edps@edps\.com \/ password 258067 \/ OTP 123456/);
    const env = Object.fromEntries(
      printed
        .split('\n')
        .filter((line) => line.startsWith('EDENRED_'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    assert.equal(env.EDENRED_MID, '4242');
    assert.equal(env.EDENRED_HASH_SECRET, 'shared-hash-secret');

    const config = edenredConfigSchema.parse(env);
    const client = httpEdenredClient(config);
    const page = await fetch(client.authorizationUrl({ state: 's', redirectUri: REDIRECT_URI }));
    assert.equal(page.status, 200);
    const login = await fetch(`${env.EDENRED_AUTH_URL}/connect/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: config.EDENRED_CLIENT_ID,
        redirect_uri: REDIRECT_URI,
        state: 's',
        scope: config.EDENRED_SCOPES,
        username: 'edps@edps.com',
        password: '258067',
        otp: '123456',
      }).toString(),
      redirect: 'manual',
    });
    const code = new URL(login.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const tokens = await client.exchangeCode({ code, redirectUri: REDIRECT_URI });
    const before = await client.balance(tokens);
    const result = await client.createTransaction({
      accessToken: tokens.accessToken,
      amount: 1_000,
      orderRef: 1,
      at: new Date(),
      paymentIntentId: 'pi_cli',
    });
    assert.equal(result.capturedAmount, 1_000);
    assert.equal((await client.balance(tokens)).availableAmount, before.availableAmount - 1_000);
  });
});
