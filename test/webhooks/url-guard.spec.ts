import assert from 'node:assert/strict';
import {
  checkUrl,
  checkUrlSyntax,
  isBlockedAddress,
  UrlRefusedError,
  type UrlPolicy,
} from '../../src/webhooks/url-guard';
import { fakeResolver } from '../support/fake-resolver';

const strict: UrlPolicy = { requireHttps: true, allowPrivateAddresses: false };
const development: UrlPolicy = { requireHttps: false, allowPrivateAddresses: false };

const resolver = fakeResolver({
  'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'intranet.example.com': ['10.1.2.3'],
  'metadata.example.com': ['169.254.169.254'],
  'mixed.example.com': ['93.184.215.14', '192.168.1.1'],
  'v6-private.example.com': ['fd00:ec2::254'],
  'nowhere.example.com': [],
});

const refusedWith = async (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => error instanceof UrlRefusedError && error.code === code);

describe('webhook URL guard', () => {
  describe('addresses', () => {
    const blocked = [
      '127.0.0.1',
      '127.255.255.254',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      'not-an-address',
    ];
    const allowed = ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'];
    for (const address of blocked)
      it(`blocks ${address}`, () => assert.equal(isBlockedAddress(address), true));
    for (const address of allowed)
      it(`allows ${address}`, () => assert.equal(isBlockedAddress(address), false));
  });

  describe('syntax', () => {
    it('requires https outside development', () => {
      assert.throws(() => checkUrlSyntax('http://93.184.215.14/x', strict), /https/);
      assert.equal(checkUrlSyntax('http://93.184.215.14/x', development).protocol, 'http:');
    });
    it('refuses other schemes, credentials and non-URLs', () => {
      for (const url of [
        'ftp://93.184.215.14/x',
        'https://a:b@93.184.215.14/x',
        'nonsense',
        'file:///etc/passwd',
      ]) {
        assert.throws(() => checkUrlSyntax(url, development), UrlRefusedError, url);
      }
    });
  });

  describe('resolution', () => {
    it('accepts a public name', async () => {
      assert.equal(
        (await checkUrl('https://hooks.example.com/in', strict, resolver)).hostname,
        'hooks.example.com',
      );
    });
    it('refuses a name resolving to a private address', () =>
      refusedWith(checkUrl('https://intranet.example.com/in', strict, resolver), 'webhook_url_refused'));
    it('refuses a name resolving to the metadata service', () =>
      refusedWith(checkUrl('https://metadata.example.com/in', strict, resolver), 'webhook_url_refused'));
    it('refuses a name with any private address among public ones', () =>
      refusedWith(checkUrl('https://mixed.example.com/in', strict, resolver), 'webhook_url_refused'));
    it('refuses a name resolving to a private IPv6 address', () =>
      refusedWith(checkUrl('https://v6-private.example.com/in', strict, resolver), 'webhook_url_refused'));
    it('refuses a name that does not resolve', async () => {
      await refusedWith(
        checkUrl('https://unknown.example.com/in', strict, resolver),
        'webhook_url_unresolvable',
      );
      await refusedWith(
        checkUrl('https://nowhere.example.com/in', strict, resolver),
        'webhook_url_unresolvable',
      );
    });
    it('refuses literal private addresses without resolving', () =>
      refusedWith(
        checkUrl('https://[::ffff:a9fe:a9fe]/latest', strict, async () => {
          throw new Error('resolved a literal address');
        }),
        'webhook_url_refused',
      ));
    it('allows private addresses only when told to (development)', async () => {
      const url = await checkUrl(
        'http://intranet.example.com/in',
        { requireHttps: false, allowPrivateAddresses: true },
        resolver,
      );
      assert.equal(url.hostname, 'intranet.example.com');
    });
  });
});
