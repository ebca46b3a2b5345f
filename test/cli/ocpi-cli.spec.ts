import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import { cliInProcess } from '../support/cli-in-process';
import { ocpiConformance } from '../support/ocpi-conformance';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('edgepay ocpi: the credentials operations from the command line, with a gateway running', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-ocpi-cli-'));
  const conformance = ocpiConformance();
  let api: TestGateway;
  let cpo: OcpiCpoSimulator;
  let env: NodeJS.ProcessEnv;

  const cli = (args: string[]) => cliInProcess(args, env);
  const versionsWith = (token: string) =>
    api.request('GET', '/ocpi/versions', {
      headers: {
        Authorization: authorizationHeader(token, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
    });

  before(async () => {
    api = await startTestGateway({
      env: { EDGEPAY_DATA_DIR: dataDir, OCPI_RETRY_BACKOFF_MS: '10' },
      ocpiExchanges: conformance.record,
    });
    env = { EDGEPAY_DATA_DIR: dataDir, OCPI_PUBLIC_URL: api.url, OCPI_RETRY_BACKOFF_MS: '10' };
    cpo = new OcpiCpoSimulator();
    await cpo.listen();
  });
  after(async () => {
    await cpo.close();
    await api.close();
  });

  it('ocpi token prints a token A the running gateway accepts at once, and our versions URL', async () => {
    const issued = await cli(['ocpi', 'token', '--name', 'cpo by cli']);
    assert.equal(issued.code, 0, issued.err);
    const { token, versionsUrl, partyRef } = JSON.parse(issued.out) as Record<string, string>;
    assert.match(partyRef as string, /^ocp_/);
    assert.equal(versionsUrl, `${api.url}/ocpi/versions`);
    assert.equal((await versionsWith(token as string)).status, 200);
    await cpo.registerWith(versionsUrl as string, token as string);
    assert.equal((await versionsWith(token as string)).status, 401);
    await cpo.unregister();
  });

  it('ocpi register, reroll and unregister run the handshake with a CPO from the command line', async () => {
    const registered = await cli([
      'ocpi',
      'register',
      '--versions-url',
      cpo.versionsUrl,
      // With "=": a token A may start with "-" (base64url), which parseArgs would refuse as ambiguous.
      `--token=${cpo.issueRegistrationToken()}`,
      '--name',
      'cpo by cli',
    ]);
    assert.equal(registered.code, 0, registered.err);
    const { partyRef, version } = JSON.parse(registered.out) as { partyRef: string; version: string };
    assert.equal(version, '2.3.0');
    assert.equal((await versionsWith(cpo.peer.tokenForPeer as string)).status, 200);

    const before = cpo.peer.tokenForPeer as string;
    assert.equal((await cli(['ocpi', 'reroll', partyRef])).code, 0);
    assert.notEqual(cpo.peer.tokenForPeer, before);
    assert.equal((await versionsWith(before)).status, 401);

    assert.equal((await cli(['ocpi', 'unregister', partyRef])).code, 0);
    assert.equal(cpo.peer.tokenForUs, undefined);
    const again = await cli(['ocpi', 'unregister', partyRef]);
    assert.notEqual(again.code, 0, 'unregistering twice is refused');
  });

  it('ocpi register without its options is a usage error', async () => {
    assert.equal((await cli(['ocpi', 'register', '--name', 'x'])).code, 2);
  });

  it('every exchange with the gateway matches the official description', () => {
    conformance.assertConforming({ minimum: 10 });
  });
});
