import assert from 'node:assert/strict';
import { createOcpiClient, type OcpiCall } from '../../src/ocpi/client/ocpi-client';
import { OcpiUrlRefusedError } from '../../src/ocpi/transport/ocpi-errors';
import type { Resolver } from '../../src/webhooks/url-guard';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { registerWithCpo } from '../support/ocpi-cpo-peer';
import { startTestGateway } from '../support/test-gateway';

const DNS: Record<string, string> = { 'cpo.example.com': '93.184.216.34', 'inside.example.com': '10.1.2.3' };
const resolve: Resolver = async (host) => (DNS[host] ? [{ address: DNS[host] as string, family: 4 }] : []);

const call = (url: string): OcpiCall => ({
  method: 'GET',
  url,
  token: 'secret-token',
  unencodedToken: false,
  correlationId: 'c-1',
  described: { version: '2.2.1', file: 'versions/interface', path: '/versions' },
});

describe("OCPI peers' URLs go through the webhooks' URL guard", () => {
  const sent: string[] = [];
  const client = (policy: { requireHttps: boolean; allowPrivateAddresses: boolean }) =>
    createOcpiClient({
      timeoutMs: 1000,
      attempts: 3,
      backoffMs: 1,
      urlGuard: { policy, resolve },
      fetch: (async (url: string) => {
        sent.push(url);
        return new Response(
          JSON.stringify({ data: [], status_code: 1000, timestamp: '2026-03-02T10:00:00Z' }),
          { status: 200, headers: { 'Content-Type': 'application/json' } },
        );
      }) as typeof fetch,
    });
  const production = client({ requireHttps: true, allowPrivateAddresses: false });

  beforeEach(() => {
    sent.length = 0;
  });

  it('refuses loopback, private and resolving-to-private hosts, once, without sending the token', async () => {
    for (const url of [
      'https://127.0.0.1/ocpi/versions',
      'https://[::1]/ocpi/versions',
      'https://169.254.169.254/latest/meta-data',
      'https://inside.example.com/ocpi/versions',
    ]) {
      await assert.rejects(production.call(call(url)), (error: unknown) => {
        assert.ok(error instanceof OcpiUrlRefusedError, String(error));
        assert.equal(error.code, 'ocpi_url_refused');
        return true;
      });
    }
    assert.deepEqual(sent, []);
  });

  it('refuses http outside development, an unresolvable host and credentials in the URL', async () => {
    const codes = [];
    for (const url of [
      'http://cpo.example.com/ocpi/versions',
      'https://nowhere.example.com/ocpi/versions',
      'https://user:pass@cpo.example.com/ocpi/versions',
    ]) {
      const error = await production.call(call(url)).then(
        () => undefined,
        (refused: unknown) => refused,
      );
      assert.ok(error instanceof OcpiUrlRefusedError);
      codes.push(error.code);
    }
    assert.deepEqual(codes, ['ocpi_url_insecure', 'ocpi_url_unresolvable', 'ocpi_url_invalid']);
    assert.deepEqual(sent, []);
  });

  it('lets a public https peer through, and private addresses where allowed (development)', async () => {
    await production.call(call('https://cpo.example.com/ocpi/versions'));
    await client({ requireHttps: false, allowPrivateAddresses: true }).call(
      call('http://127.0.0.1:9/ocpi/versions'),
    );
    assert.deepEqual(sent, ['https://cpo.example.com/ocpi/versions', 'http://127.0.0.1:9/ocpi/versions']);
  });

  it('the gateway refuses to register with a peer at a private address unless allowed', async () => {
    const api = await startTestGateway({ env: { OCPI_ALLOW_PRIVATE_URLS: 'false' } });
    const cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId: 'PRV' });
    await cpo.listen();
    try {
      const ocpi = api.gateway.ocpi as OcpiRuntime;
      await assert.rejects(registerWithCpo(ocpi, cpo), OcpiUrlRefusedError);
      assert.equal(cpo.seenCorrelationIds.length, 0, 'nothing reached the peer');
    } finally {
      await cpo.close();
      await api.close();
    }
  });
});
