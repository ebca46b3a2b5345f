import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import { nextLinkOf } from '../../src/ocpi/transport/paging';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { operatorKey, registerTerminal } from '../http/terminals.fixtures';
import { ocpiConformance } from '../support/ocpi-conformance';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('OCPI 2.3.0 Payments terminals: our registered terminals, activated and assigned by a CPO', () => {
  let api: TestGateway;
  let cpo: OcpiCpoSimulator;
  const terminalIds: string[] = [];
  const conformance = ocpiConformance();

  const asCpo = (method: string, url: string) =>
    api.request(method, new URL(url, api.url).pathname + new URL(url, api.url).search, {
      headers: {
        Authorization: authorizationHeader(cpo.peer.tokenForPeer as string, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
    });

  before(async () => {
    api = await startTestGateway({
      env: { OCPI_RETRY_BACKOFF_MS: '10', OCPI_PAGE_LIMIT: '2' },
      ocpiExchanges: conformance.record,
    });
    const ocpi = api.gateway.ocpi as OcpiRuntime;
    cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId: 'CPO', versions: ['2.3.0'] });
    await cpo.listen();
    const issued = await ocpi.parties.issueRegistrationToken(
      { name: 'cpo', acceptsUnencodedTokens: false },
      systemContext('t'),
    );
    await cpo.registerWith(`${api.url}/ocpi/versions`, issued.token);
    const key = await operatorKey(api, 'mer_ptp');
    for (const serial of ['SN-OCPI-1', 'SN-OCPI-2', 'SN-OCPI-3']) {
      terminalIds.push((await registerTerminal(api, key, serial)).terminal.id as string);
    }
  });
  after(async () => {
    await cpo.close();
    await api.close();
  });

  it('activates our terminals by their id as reference, and refuses a reference that is no terminal of ours', async () => {
    for (const id of terminalIds) {
      const terminal = await cpo.activateTerminal(id);
      assert.equal(terminal?.terminal_id, id);
      assert.equal(terminal?.country_code, 'TR');
    }
    await assert.rejects(cpo.activateTerminal('trm_NOPE'), /HTTP 400, OCPI 2001/);
  });

  it('assigns locations and EVSEs with PATCH, and never lets the CPO rename a terminal', async () => {
    const assigned = await cpo.assignTerminal(terminalIds[0]!, ['LOC-IST-1'], ['LOC-IST-1-EVSE-1']);
    assert.deepEqual([assigned?.location_ids, assigned?.evse_uids], [['LOC-IST-1'], ['LOC-IST-1-EVSE-1']]);
    const renamed = await api.request('PUT', `/ocpi/2.3.0/sender/payments/terminals/${terminalIds[0]}`, {
      body: { terminal_id: 'trm_OTHER', last_updated: new Date().toISOString() },
      headers: {
        Authorization: authorizationHeader(cpo.peer.tokenForPeer as string, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
    });
    assert.equal(renamed.status, 400);
    assert.equal(renamed.body.status_code, 2001);
  });

  it('lists terminals in pages (X-Limit 2, X-Total-Count 3, Link), and refuses a tampered Link with 2001', async () => {
    const first = await cpo.terminalsPage('?limit=50');
    assert.deepEqual([first.data.length, first.total, first.limit], [2, '3', '2']);
    const next = nextLinkOf(first.link) as string;
    assert.ok(next, 'a Link to the next page');
    const second = await asCpo('GET', next);
    assert.equal(second.status, 200);
    assert.equal(second.body.data.length, 1);
    assert.equal(second.headers.get('link'), null, 'the last page has no Link');

    const tampered = new URL(next);
    tampered.searchParams.set('offset', '0');
    const refused = await asCpo('GET', tampered.href);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.status_code, 2001);
  });

  it('a deactivated terminal leaves the list and is 404 to GET', async () => {
    await cpo.deactivateTerminal(terminalIds[2]!);
    assert.equal((await cpo.terminalsPage()).total, '2');
    const gone = await asCpo('GET', `/ocpi/2.3.0/sender/payments/terminals/${terminalIds[2]}`);
    assert.equal(gone.status, 404);
  });

  it('every OCPI request sent and answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 12 });
  });
});
