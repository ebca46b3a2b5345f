import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { REDACTED, redact } from '../../src/infrastructure/logging/redact';

describe('log redaction', () => {
  it('blanks secret fields whatever their depth', () => {
    const out = redact({
      headers: { authorization: 'Bearer abc.def.ghi', 'x-api-key': 'epk_test_x' },
      nested: { cvv: '123', pin: '0000' },
    });
    assert.deepEqual(out, {
      headers: { authorization: REDACTED, 'x-api-key': REDACTED },
      nested: { cvv: REDACTED, pin: REDACTED },
    });
  });

  it('blanks card numbers, bearer tokens and API keys inside free text', () => {
    const out = redact({
      message: 'card 4111 1111 1111 1111 via Bearer eyJhbGciOi.x.y and epk_live_abcdefghijkl_secret',
    }) as { message: string };
    assert.doesNotMatch(out.message, /4111/);
    assert.doesNotMatch(out.message, /eyJhbGciOi/);
    assert.doesNotMatch(out.message, /epk_live/);
  });

  it('keeps ordinary fields as they are', () => {
    assert.deepEqual(redact({ route: '/v1/payment-intents/{id}', status: 201, amount: 15000 }), {
      route: '/v1/payment-intents/{id}',
      status: 201,
      amount: 15000,
    });
  });

  it('applies to what the logger writes', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info' });
    logger.clear();
    logger.add(
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _encoding, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      }),
    );
    logger.info('request with card 4111111111111111', {
      apiKey: 'epk_test_abc',
      body: { pan: '4111111111111111' },
    });
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', /4111111111111111|epk_test_abc/);
  });
});
