import assert from 'node:assert/strict';
import { EDENRED_ERROR_TABLE } from '../../../src/integrations/edenred/edenred-error-codes';
import { hmacSha256ExtraFieldHash } from '../../../src/integrations/edenred/edenred-transaction-fields';
import type { EdenredTokens } from '../../../src/integrations/edenred/edenred-port';
import { GUIDE_TEST_USER } from '../../../src/integrations/edenred/simulator/edenred-simulator';
import {
  POST_LOGOUT_REDIRECT_URI,
  rejection,
  simulatedEdenred,
  type SimulatedEdenred,
} from './simulated-edenred';

describe('Edenred Direct Payment: balances, estimate and transactions (simulator over HTTP)', () => {
  let edenred: SimulatedEdenred;
  let tokens: EdenredTokens;
  let nextOrderRef = 1000;
  const pay = (amount: number, orderRef = (nextOrderRef += 1), at = new Date()) =>
    edenred.client.createTransaction({
      accessToken: tokens.accessToken,
      amount,
      orderRef,
      at,
      paymentIntentId: `pi_${orderRef}`,
    });

  beforeEach(async () => {
    edenred = await simulatedEdenred();
    tokens = await edenred.logIn();
  });
  afterEach(() => edenred.close());

  it('reads the balance and estimates a charge (the amount, or what is available)', async () => {
    const user = { accessToken: tokens.accessToken, username: tokens.username };
    assert.deepEqual(await edenred.client.balance(user), {
      availableAmount: 46_969,
      productClass: 'ETR',
      currency: 'TRY',
    });
    assert.deepEqual(await edenred.client.estimateCharge({ ...user, amount: 2_300 }), {
      availableAmount: 2_300,
      currency: 'TRY',
    });
    assert.deepEqual(await edenred.client.estimateCharge({ ...user, amount: 90_000 }), {
      availableAmount: 46_969,
      currency: 'TRY',
    });
  });

  it('authorizes and captures in one call; the balance goes down by the amount', async () => {
    const result = await pay(12_345);
    assert.equal(result.status, 'captured');
    assert.equal(result.code, 'SUCCESS');
    assert.equal(result.authorizedAmount, 12_345);
    assert.equal(result.capturedAmount, 12_345);
    assert.ok(result.authorizationId && result.captureId);
    assert.equal(edenred.simulator.user(GUIDE_TEST_USER.login)?.balance, 46_969 - 12_345);
    const balance = await edenred.client.balance({
      accessToken: tokens.accessToken,
      username: tokens.username,
    });
    assert.equal(balance.availableAmount, 46_969 - 12_345);
  });

  it("sends the guide's body: mid, kuruş, auto capture, digits order_ref, GMT+3 tstamp, TRY, hashed extra_field", async () => {
    const at = new Date('2026-11-27T22:30:05.250Z');
    const other = await simulatedEdenred({ simulator: { clock: { now: () => at } } });
    try {
      const otherTokens = await other.logIn();
      await other.client.createTransaction({
        accessToken: otherTokens.accessToken,
        amount: 500,
        orderRef: 77,
        at,
        paymentIntentId: 'pi_1',
      });
      const [body] = other.simulator.transactionRequests();
      const { settings } = other.simulator;
      const hash = hmacSha256ExtraFieldHash(settings.hashSecret)({
        batchNo: settings.batchNo,
        serviceId: settings.serviceId,
        terminalNo: settings.terminalNo,
        transactionSource: settings.transactionSource,
      });
      assert.deepEqual(body, {
        mid: settings.mid,
        amount: 500,
        security_level: 'standard',
        capture_mode: 'auto',
        order_ref: '77',
        tstamp: '2026-11-28T01:30:05Z',
        currency: 'TRY',
        extra_field: `${settings.batchNo}|${settings.serviceId}|${settings.terminalNo}|${settings.transactionSource}|${hash}`,
      });
    } finally {
      await other.close();
    }
  });

  it('is refused with TERMINAL_TIME_ERROR when tstamp is not Turkey time (UTC digits are 3 hours early)', async () => {
    const threeHoursAgo = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const error = await rejection(pay(100, undefined, threeHoursAgo));
    assert.equal(error.code, 'TERMINAL_TIME_ERROR');
    assert.equal(error.errorClass, 'configuration');
  });

  it('is refused when the extra_field hash uses another secret or the terminal is wrong', async () => {
    const wrongHash = await simulatedEdenred({ env: { EDENRED_HASH_SECRET: 'another-merchant-secret' } });
    const wrongTerminal = await simulatedEdenred({ env: { EDENRED_TERMINAL_NO: '99' } });
    try {
      for (const [other, code] of [
        [wrongHash, 'INVALID_SALE_REQUEST'],
        [wrongTerminal, 'TERMINAL_NOT_FOUND'],
      ] as const) {
        const otherTokens = await other.logIn();
        const error = await rejection(
          other.client.createTransaction({
            accessToken: otherTokens.accessToken,
            amount: 100,
            orderRef: 5,
            at: new Date(),
            paymentIntentId: 'pi',
          }),
        );
        assert.equal(error.code, code);
        assert.equal(error.errorClass, 'configuration');
        assert.deepEqual(other.simulator.transactions(), []);
      }
    } finally {
      await wrongHash.close();
      await wrongTerminal.close();
    }
  });

  it('captures what was granted on a partial authorization (PARTIAL_AUTH)', async () => {
    edenred.simulator.updateUser(GUIDE_TEST_USER.login, { balance: 3_000, partialAuthorization: true });
    const result = await pay(5_000);
    assert.equal(result.code, 'PARTIAL_AUTH');
    assert.equal(result.authorizedAmount, 3_000);
    assert.equal(result.capturedAmount, 3_000);
    assert.equal(edenred.simulator.user(GUIDE_TEST_USER.login)?.balance, 0);
  });

  it('declines when the balance is short (INADEQUATE_BALANCE) and leaves it untouched', async () => {
    edenred.simulator.updateUser(GUIDE_TEST_USER.login, { balance: 3_000 });
    const error = await rejection(pay(5_000));
    assert.equal(error.code, 'INADEQUATE_BALANCE');
    assert.equal(error.errorClass, 'declined');
    assert.equal(error.message, 'The Edenred balance is not enough for this payment.');
    assert.equal(edenred.simulator.user(GUIDE_TEST_USER.login)?.balance, 3_000);
  });

  it('enforces the daily amount limit and the daily number of operations', async () => {
    edenred.simulator.updateUser(GUIDE_TEST_USER.login, { dailyAmountLimit: 10_000, dailyOperationLimit: 2 });
    await pay(6_000);
    const overAmount = await rejection(pay(5_000));
    assert.equal(overAmount.code, 'DAILY_TRANSACTION_AMOUNT_EXCEEDED');
    assert.equal(overAmount.errorClass, 'declined');
    const estimate = await edenred.client.estimateCharge({
      accessToken: tokens.accessToken,
      username: tokens.username,
      amount: 5_000,
    });
    assert.equal(estimate.availableAmount, 4_000);
    await pay(1_000);
    const overCount = await rejection(pay(1_000));
    assert.equal(overCount.code, 'CARD_DAILY_OPERATION_NUMBER_EXCEEDED');
  });

  it('answers TRANSACTION_DUPLICATED for a captured order_ref and REPEATING_REQUEST for a lower one (ambiguous)', async () => {
    await pay(100, 5_000);
    const duplicate = await rejection(pay(100, 5_000));
    assert.equal(duplicate.code, 'TRANSACTION_DUPLICATED');
    assert.equal(duplicate.errorClass, 'ambiguous');
    const lower = await rejection(pay(100, 4_999));
    assert.equal(lower.code, 'REPEATING_REQUEST');
    assert.equal(lower.errorClass, 'ambiguous');
    assert.equal(edenred.simulator.transactions().length, 1);
    assert.equal(edenred.simulator.user(GUIDE_TEST_USER.login)?.balance, 46_969 - 100);
  });

  it('lets a retry_later answer be retried with the same order_ref', async () => {
    edenred.simulator.failNext({ operation: 'transaction', httpStatus: 400, code: 'TRY_AGAIN' });
    const error = await rejection(pay(700, 6_000));
    assert.equal(error.errorClass, 'retry_later');
    const result = await pay(700, 6_000);
    assert.equal(result.capturedAmount, 700);
  });

  it('raises every class from injected codes, with the status Edenred answered', async () => {
    const cases = [
      { httpStatus: 400, code: 'TEMPORARY_HOLD', errorClass: 'retry_later' },
      { httpStatus: 429, code: 'TOO_MANY_REQUEST', errorClass: 'retry_later' },
      { httpStatus: 500, code: 'INTERNAL_ERROR', errorClass: 'retry_later' },
      { httpStatus: 502, code: 'BAD_GATEWAY', errorClass: 'retry_later' },
      { httpStatus: 401, code: 'UNAUTHORIZED', errorClass: 'reauthenticate' },
      { httpStatus: 400, code: 'CARD_TEMPORARY_BLOCKED', errorClass: 'declined' },
      { httpStatus: 500, code: 'CARD_NOT_AVAILABLE_TODAY', errorClass: 'declined' },
      { httpStatus: 400, code: 'SALES_ALREADY_APPROVED', errorClass: 'ambiguous' },
      { httpStatus: 400, code: 'INVALID_MERCHANT', errorClass: 'configuration' },
      { httpStatus: 403, code: 'FORBIDDEN', errorClass: 'configuration' },
    ] as const;
    for (const expected of cases) {
      edenred.simulator.failNext({
        operation: 'transaction',
        httpStatus: expected.httpStatus,
        code: expected.code,
      });
      const error = await rejection(pay(100));
      assert.equal(error.name, 'EdenredError');
      assert.deepEqual(
        { httpStatus: error.httpStatus, code: error.code, errorClass: error.errorClass },
        expected,
      );
    }
    assert.deepEqual(edenred.simulator.transactions(), []);
  });

  it('raises every row of the error table, answered over HTTP, as an EdenredError of that row', async () => {
    for (const row of EDENRED_ERROR_TABLE) {
      const oauth = /^[a-z_]+$/.test(row.code);
      edenred.simulator.failNext({
        operation: oauth ? 'token' : 'transaction',
        httpStatus: row.httpStatus,
        code: row.code,
      });
      const error = await rejection(oauth ? edenred.client.refresh(tokens.refreshToken) : pay(100));
      assert.deepEqual(
        {
          httpStatus: error.httpStatus,
          code: error.code,
          errorClass: error.errorClass,
          message: error.message,
        },
        { httpStatus: row.httpStatus, code: row.code, errorClass: row.errorClass, message: row.reason },
      );
    }
    assert.deepEqual(edenred.sleeps, []);
    assert.deepEqual(edenred.simulator.transactions(), []);
  });

  it('reads numeric ids, and takes a payment answer it cannot trust as ambiguous (UNEXPECTED_ANSWER)', async () => {
    const answering =
      (data: Record<string, unknown>): typeof fetch =>
      async () =>
        new Response(JSON.stringify({ meta: { status: 'succeeded' }, data }), { status: 200 });
    const request = { accessToken: 'at', amount: 100, orderRef: 9, at: new Date(), paymentIntentId: 'pi' };
    const good = {
      status: 'captured',
      authorization_id: 123,
      authorized_amount: 100,
      capture_id: 124,
      captured_amount: 100,
    };
    const read = await simulatedEdenred({ deps: { fetch: answering(good) } });
    try {
      const result = await read.client.createTransaction(request);
      assert.equal(result.authorizationId, '123');
      assert.equal(result.captureId, '124');
    } finally {
      await read.close();
    }
    for (const data of [
      { ...good, captured_amount: 101, authorized_amount: 101 },
      { ...good, captured_amount: 100, authorized_amount: 90 },
      { ...good, status: 'refunded' },
      { ...good, authorized_amount: '100' },
      { ...good, authorization_id: undefined },
    ]) {
      const other = await simulatedEdenred({ deps: { fetch: answering(data) } });
      try {
        const error = await rejection(other.client.createTransaction(request));
        assert.equal(error.code, 'UNEXPECTED_ANSWER', JSON.stringify(data));
        assert.equal(error.errorClass, 'ambiguous');
      } finally {
        await other.close();
      }
    }
  });

  it('classes bare 429 and 5xx answers (no code, not JSON) as retry_later', async () => {
    for (const httpStatus of [429, 503, 504]) {
      edenred.simulator.failNext({ operation: 'transaction', httpStatus });
      const error = await rejection(pay(100));
      assert.equal(error.code, `HTTP_${httpStatus}`);
      assert.equal(error.errorClass, 'retry_later');
    }
  });

  it('never retries a payment inside the client, even on retry_later', async () => {
    edenred.simulator.failNext({ operation: 'transaction', httpStatus: 503, count: 1 });
    assert.equal((await rejection(pay(100))).errorClass, 'retry_later');
    edenred.simulator.hangNext({ operation: 'transaction', count: 1 });
    assert.equal((await rejection(pay(100))).code, 'TIMEOUT');
    assert.equal(edenred.simulator.calls('transaction'), 2);
    assert.deepEqual(edenred.sleeps, []);
  });

  it('retries safe calls with exponential backoff, then gives up with the last error', async () => {
    edenred.simulator.failNext({ operation: 'balances', httpStatus: 503, count: 2 });
    const balance = await edenred.client.balance({
      accessToken: tokens.accessToken,
      username: tokens.username,
    });
    assert.equal(balance.availableAmount, 46_969);
    assert.deepEqual(edenred.sleeps, [200, 400]);
    assert.equal(edenred.simulator.calls('balances'), 3);

    edenred.simulator.failNext({
      operation: 'estimate',
      httpStatus: 429,
      code: 'TOO_MANY_REQUEST',
      count: 3,
    });
    const error = await rejection(
      edenred.client.estimateCharge({
        accessToken: tokens.accessToken,
        username: tokens.username,
        amount: 1,
      }),
    );
    assert.equal(error.code, 'TOO_MANY_REQUEST');
    assert.deepEqual(edenred.sleeps, [200, 400, 200, 400]);
  });

  it('does not retry a safe call that fails for good (declined, reauthenticate)', async () => {
    edenred.simulator.failNext({ operation: 'balances', httpStatus: 401, code: 'INVALID_TOKEN' });
    const error = await rejection(
      edenred.client.balance({ accessToken: tokens.accessToken, username: tokens.username }),
    );
    assert.equal(error.errorClass, 'reauthenticate');
    assert.deepEqual(edenred.sleeps, []);
  });

  it('times out a call that hangs (retry_later, code TIMEOUT)', async () => {
    edenred.simulator.hangNext({ operation: 'balances', count: 3 });
    const startedAt = Date.now();
    const error = await rejection(
      edenred.client.balance({ accessToken: tokens.accessToken, username: tokens.username }),
    );
    assert.equal(error.code, 'TIMEOUT');
    assert.equal(error.errorClass, 'retry_later');
    assert.equal(error.httpStatus, null);
    assert.ok(Date.now() - startedAt < 5_000);
  });

  it('classes a refused connection as NETWORK (retry_later): safe calls retried, payments not', async () => {
    const closed = await simulatedEdenred();
    const closedTokens = await closed.logIn();
    await closed.close();
    const error = await rejection(
      closed.client.balance({ accessToken: closedTokens.accessToken, username: closedTokens.username }),
    );
    assert.equal(error.code, 'NETWORK');
    assert.equal(error.errorClass, 'retry_later');
    assert.deepEqual(closed.sleeps, [200, 400]);
    const payment = await rejection(
      closed.client.createTransaction({
        accessToken: closedTokens.accessToken,
        amount: 1,
        orderRef: 1,
        at: new Date(),
        paymentIntentId: 'pi',
      }),
    );
    assert.equal(payment.code, 'NETWORK');
    assert.deepEqual(closed.sleeps, [200, 400]);
  });

  it('after "recorded, then no answer": the resent order_ref is a duplicate and the lookup finds the capture', async () => {
    edenred.simulator.recordThenHangNext();
    const timeout = await rejection(pay(2_500, 7_000));
    assert.equal(timeout.code, 'TIMEOUT');
    assert.equal(edenred.simulator.user(GUIDE_TEST_USER.login)?.balance, 46_969 - 2_500);

    const resent = await rejection(pay(2_500, 7_000));
    assert.equal(resent.code, 'TRANSACTION_DUPLICATED');
    const found = await edenred.client.findTransaction({ accessToken: tokens.accessToken, orderRef: 7_000 });
    assert.equal(found?.status, 'captured');
    assert.equal(found?.capturedAmount, 2_500);
    assert.equal(edenred.simulator.user(GUIDE_TEST_USER.login)?.balance, 46_969 - 2_500);
    assert.equal(
      await edenred.client.findTransaction({ accessToken: tokens.accessToken, orderRef: 7_001 }),
      undefined,
    );
  });

  it('answers "ambiguous" from findTransaction when the lookup is not enabled (the guide has none)', async () => {
    const other = await simulatedEdenred({ env: { EDENRED_TRANSACTION_LOOKUP: 'false' } });
    try {
      const otherTokens = await other.logIn();
      const error = await rejection(
        other.client.findTransaction({ accessToken: otherTokens.accessToken, orderRef: 1 }),
      );
      assert.equal(error.errorClass, 'ambiguous');
      assert.equal(error.code, 'TRANSACTION_LOOKUP_UNAVAILABLE');
    } finally {
      await other.close();
    }
  });

  it('treats a lookup 404 without Edenred\'s code as an error, never as "not held"', async () => {
    edenred.simulator.failNext({ operation: 'lookup', httpStatus: 404 });
    const error = await rejection(
      edenred.client.findTransaction({ accessToken: tokens.accessToken, orderRef: 1 }),
    );
    assert.equal(error.code, 'HTTP_404');
    assert.equal(error.errorClass, 'configuration');
  });

  it('refuses an order_ref or an amount outside the guide before sending anything', async () => {
    for (const [amount, orderRef] of [
      [100, 2_147_483_647],
      [100, 0],
      [100, 1.5],
      [0, 10],
      [-5, 11],
    ]) {
      const error = await rejection(pay(amount as number, orderRef as number));
      assert.equal(error.code, 'REQUEST_REJECTED_LOCALLY');
    }
    assert.deepEqual(edenred.simulator.transactionRequests(), []);
  });

  it('refuses wrong payment client credentials (FORBIDDEN, configuration)', async () => {
    const other = await simulatedEdenred({ env: { EDENRED_PAYMENT_CLIENT_SECRET: 'wrong-payment-secret' } });
    try {
      const otherTokens = await other.logIn();
      const error = await rejection(
        other.client.balance({ accessToken: otherTokens.accessToken, username: otherTokens.username }),
      );
      assert.equal(error.code, 'FORBIDDEN');
      assert.equal(error.errorClass, 'configuration');
    } finally {
      await other.close();
    }
  });

  it('writes no token, secret or id_token in its logs or error messages', async () => {
    const errors: Error[] = [];
    const refreshed = await edenred.client.refresh(tokens.refreshToken);
    await pay(100);
    edenred.simulator.failNext({ operation: 'transaction', httpStatus: 400, code: 'INADEQUATE_BALANCE' });
    errors.push(await rejection(pay(100)));
    edenred.simulator.hangNext({ operation: 'transaction' });
    errors.push(await rejection(pay(100)));
    errors.push(await rejection(edenred.client.refresh('rt_not-a-token')));
    edenred.simulator.failNext({ operation: 'balances', httpStatus: 503, count: 1 });
    await edenred.client.balance({ accessToken: refreshed.accessToken, username: refreshed.username });
    await edenred.client.endSession({
      idToken: refreshed.idToken ?? '',
      postLogoutRedirectUri: POST_LOGOUT_REDIRECT_URI,
    });

    const { settings } = edenred.simulator;
    const secrets = [
      tokens.accessToken,
      tokens.refreshToken,
      tokens.idToken ?? '',
      refreshed.accessToken,
      refreshed.refreshToken,
      refreshed.idToken ?? '',
      settings.clientSecret,
      settings.paymentClientSecret,
      settings.hashSecret,
      tokens.username,
    ];
    const written = [
      ...edenred.logLines,
      ...errors.map((error) => `${error.message} ${JSON.stringify(error)}`),
    ];
    assert.ok(edenred.logLines.length >= 8, `${edenred.logLines.length} log lines`);
    assert.ok(edenred.logLines.some((line) => line.includes('"operation":"transaction"')));
    for (const line of written) for (const secret of secrets) assert.ok(!line.includes(secret), line);
  });
});
