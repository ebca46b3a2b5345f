import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EDENRED_ERROR_TABLE,
  EDENRED_SUCCESS_CODES,
  FAILURES_WITHOUT_CODE,
  edenredErrorFor,
  edenredErrorRowFor,
} from '../../../src/integrations/edenred/edenred-error-codes';
import { EdenredError } from '../../../src/integrations/edenred/edenred-port';

/** The guide's rows: `Status Code | Status | Code | Level | Description |`. */
const guideRows = readFileSync(join(__dirname, '../../fixtures/edenred/mapped-status-codes.txt'), 'utf8')
  .split('\n')
  .map((line) => line.split('|').map((cell) => cell.trim()))
  .filter((cells) => /^\d{3}$/.test(cells[0] ?? ''))
  .map((cells) => ({ httpStatus: Number(cells[0]), code: cells[2] ?? '' }));

describe('Edenred error codes', () => {
  it('reads the guide table (about 90 rows)', () => {
    assert.ok(guideRows.length >= 90, `${guideRows.length} rows`);
  });

  it('has a row with the same HTTP status for every error code of the guide', () => {
    const missing = guideRows
      .filter((row) => row.httpStatus !== 200)
      .filter(
        (row) =>
          !EDENRED_ERROR_TABLE.some(
            (entry) => entry.httpStatus === row.httpStatus && entry.code === row.code,
          ),
      );
    assert.deepEqual(missing, []);
  });

  it('knows every success code of the guide as a success, never as an error', () => {
    const successes = guideRows.filter((row) => row.httpStatus === 200).map((row) => row.code);
    assert.deepEqual([...successes].sort(), [...EDENRED_SUCCESS_CODES].sort());
    for (const code of successes) assert.ok(!EDENRED_ERROR_TABLE.some((entry) => entry.code === code), code);
  });

  it('holds each (status, code) once, with a reason that is text for a merchant', () => {
    const keys = EDENRED_ERROR_TABLE.map((entry) => `${entry.httpStatus} ${entry.code}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const entry of EDENRED_ERROR_TABLE) {
      assert.ok(entry.reason.length > 10 && entry.reason.endsWith('.'), entry.code);
      assert.doesNotMatch(entry.reason, /token=|secret=/i);
    }
  });

  it('classes the codes the issue names as it asks', () => {
    const expected: Record<string, string> = {
      TRY_AGAIN: 'retry_later',
      TEMPORARY_HOLD: 'retry_later',
      TOO_MANY_REQUEST: 'retry_later',
      INTERNAL_ERROR: 'retry_later',
      BAD_GATEWAY: 'retry_later',
      INVALID_TOKEN: 'reauthenticate',
      UNAUTHORIZED: 'reauthenticate',
      USER_INACTIVE: 'reauthenticate',
      INADEQUATE_BALANCE: 'declined',
      DAILY_TRANSACTION_AMOUNT_EXCEEDED: 'declined',
      CARD_TEMPORARY_BLOCKED: 'declined',
      CARD_IS_DISABLED: 'declined',
      CARD_DAILY_OPERATION_NUMBER_EXCEEDED: 'declined',
      TRANSACTION_DUPLICATED: 'ambiguous',
      REPEATING_REQUEST: 'ambiguous',
      INVALID_MERCHANT: 'configuration',
      TERMINAL_NOT_FOUND: 'configuration',
      BAD_REQUEST: 'configuration',
      invalid_grant: 'reauthenticate',
      invalid_client: 'configuration',
    };
    for (const [code, errorClass] of Object.entries(expected)) {
      const entry = EDENRED_ERROR_TABLE.find((candidate) => candidate.code === code);
      assert.equal(entry?.errorClass, errorClass, code);
    }
    for (const entry of EDENRED_ERROR_TABLE.filter((candidate) => candidate.code.startsWith('CARD_'))) {
      assert.equal(entry.errorClass, 'declined', entry.code);
    }
  });

  it('classes answers without a code by their status, and transport failures as retry_later', () => {
    assert.equal(edenredErrorRowFor(503, null).errorClass, 'retry_later');
    assert.equal(edenredErrorRowFor(503, null).code, 'HTTP_503');
    assert.equal(edenredErrorRowFor(429, null).errorClass, 'retry_later');
    assert.equal(edenredErrorRowFor(401, null).errorClass, 'reauthenticate');
    assert.equal(edenredErrorRowFor(400, null).errorClass, 'configuration');
    assert.equal(edenredErrorRowFor(400, 'A_CODE_EDENRED_ADDED_LATER').errorClass, 'configuration');
    assert.equal(FAILURES_WITHOUT_CODE.TIMEOUT.errorClass, 'retry_later');
    assert.equal(FAILURES_WITHOUT_CODE.NETWORK.errorClass, 'retry_later');
    assert.equal(FAILURES_WITHOUT_CODE.UNEXPECTED_ANSWER.errorClass, 'ambiguous');
  });

  it('keeps a known code class under another status and reports the status received', () => {
    const error = edenredErrorFor(500, 'INADEQUATE_BALANCE');
    assert.ok(error instanceof EdenredError);
    assert.equal(error.errorClass, 'declined');
    assert.equal(error.httpStatus, 500);
    assert.equal(error.code, 'INADEQUATE_BALANCE');
  });
});
