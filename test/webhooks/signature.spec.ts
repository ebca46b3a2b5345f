import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { createSecretBox } from '../../src/webhooks/secret-box';
import { webhookHeaders } from '../../src/webhooks/signature';
import { generateSigningSecret } from '../../src/webhooks/signing-secret';

describe('webhook signatures and secrets', () => {
  const content = () => ({
    id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
    timestamp: Math.floor(Date.now() / 1000),
    body: '{"type":"payment_intent.captured","data":{"id":"pi_1"}}',
  });

  it('are verified by the standardwebhooks package', () => {
    const secret = generateSigningSecret();
    const signed = content();
    const payload = new Webhook(secret).verify(signed.body, webhookHeaders([secret], signed));
    assert.deepEqual(payload, JSON.parse(signed.body));
  });

  it('match the Standard Webhooks reference signature', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signed = {
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    };
    assert.equal(
      webhookHeaders([secret], signed)['webhook-signature'],
      new Webhook(secret).sign(signed.id, new Date(signed.timestamp * 1000), signed.body),
    );
    assert.equal(
      webhookHeaders([secret], signed)['webhook-signature'],
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('carry one signature per secret during a rotation; either verifies; a changed body does not', () => {
    const [current, previous, stranger] = [
      generateSigningSecret(),
      generateSigningSecret(),
      generateSigningSecret(),
    ];
    const signed = content();
    const headers = webhookHeaders([current, previous], signed);
    assert.equal(headers['webhook-signature']?.split(' ').length, 2);
    new Webhook(current).verify(signed.body, headers);
    new Webhook(previous).verify(signed.body, headers);
    assert.throws(() => new Webhook(stranger).verify(signed.body, headers));
    assert.throws(() => new Webhook(current).verify(signed.body.replace('pi_1', 'pi_2'), headers));
  });

  it('are kept encrypted, bound to their subscription, readable only with the key', () => {
    const box = createSecretBox(Buffer.alloc(32, 7).toString('base64'));
    const secret = generateSigningSecret();
    const sealed = box.encrypt(secret, 'wh_1');
    assert.ok(!JSON.stringify(sealed).includes(secret.slice('whsec_'.length)));
    assert.equal(box.decrypt(sealed, 'wh_1'), secret);
    assert.throws(() => box.decrypt(sealed, 'wh_2'));
    assert.throws(
      () => createSecretBox(Buffer.alloc(32, 8).toString('base64')).decrypt(sealed, 'wh_1'),
      /encrypted with key/,
    );
    assert.throws(() => box.decrypt({ ...sealed, ciphertext: Buffer.from('x').toString('base64') }, 'wh_1'));
    assert.equal(createSecretBox(undefined).developmentKey, true);
  });
});
