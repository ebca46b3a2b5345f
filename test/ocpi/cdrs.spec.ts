import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { simulatedCdr } from '../../src/integrations/ocpi-cpo/ocpi-cpo-data';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { authorizedIntent, subscribe, verified, WEBHOOK_SCOPES } from '../http/webhooks.fixtures';
import { eventually } from '../support/eventually';
import { ocpiConformance } from '../support/ocpi-conformance';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

describe('OCPI CDRs: received, priced with the tariff engine, a mismatch is an event and a webhook', () => {
  let api: TestGateway;
  let cpo: OcpiCpoSimulator;
  let receiver: WebhookReceiver;
  let key: string;
  let secret: string;
  let intentId: string;
  const conformance = ocpiConformance();

  const cdr = (id: string, inclVat: number, authorizationReference?: string) =>
    simulatedCdr({
      countryCode: 'TR',
      partyId: 'CPO',
      id,
      location: cpo.locations[0]!,
      tariffId: 'TRF-DC',
      startAt: new Date('2026-03-02T10:00:00Z'),
      minutes: 45,
      kwh: 20,
      totalCost: { excl_vat: 190, incl_vat: inclVat },
      ...(authorizationReference ? { authorizationReference } : {}),
    });
  const eventsOfType = async (type: string) => (await api.allEvents()).filter((event) => event.type === type);

  before(async () => {
    api = await startTestGateway({
      env: { OCPI_RETRY_BACKOFF_MS: '10', WEBHOOK_ALLOW_PRIVATE_URLS: 'true', VAT_RATE_PERCENT: '20' },
      ocpiExchanges: conformance.record,
    });
    receiver = await startWebhookReceiver();
    key = await api.issueKey({ merchantId: 'mer_ocpi', scopes: WEBHOOK_SCOPES });
    ({ secret } = await subscribe(api, key, receiver.url, ['ocpi_cdr.*']));
    intentId = await authorizedIntent(api, key, 50_000);
    const ocpi = api.gateway.ocpi as OcpiRuntime;
    cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId: 'CPO' });
    await cpo.listen();
    const issued = await ocpi.parties.issueRegistrationToken(
      { name: 'cpo', acceptsUnencodedTokens: false },
      systemContext('t'),
    );
    await cpo.registerWith(`${api.url}/ocpi/versions`, issued.token);
    await cpo.pushTariff(cpo.tariffs[0]!);
  });
  after(async () => {
    await cpo.close();
    await receiver.close();
    await api.close();
  });

  it('records a CDR whose total matches ours (20 kWh at 9.50 + 20% VAT = 228.00), and serves it at its Location', async () => {
    const location = await cpo.pushCdr(cdr('CDR-OK', 228, intentId));
    assert.ok(location?.startsWith(`${api.url}/ocpi/2.3.0/receiver/cdrs/`), String(location));
    const served = await api.request('GET', new URL(location as string).pathname, {
      headers: {
        Authorization: authorizationHeader(cpo.peer.tokenForPeer as string, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
      },
    });
    assert.equal(served.status, 200);
    assert.equal(served.body.data.id, 'CDR-OK');
    const [received] = await eventsOfType('OcpiCdrReceived');
    const data = received?.data as {
      ourCost: { inclVat: number };
      theirCost: { inclVat: number };
      merchantId: string;
    };
    assert.deepEqual(
      [data.theirCost.inclVat, data.ourCost.inclVat, data.merchantId],
      [22_800, 22_800, 'mer_ocpi'],
    );
    assert.equal((await eventsOfType('OcpiCdrCostMismatched')).length, 0);
  });

  it("a CDR whose total differs from ours is an OcpiCdrCostMismatched event and a signed webhook to the intent's merchant", async () => {
    await cpo.pushCdr(cdr('CDR-HIGH', 240, intentId));
    const [mismatch] = await eventsOfType('OcpiCdrCostMismatched');
    assert.deepEqual(
      { ...(mismatch?.data as object), cdrRef: undefined, partyRef: undefined },
      {
        cdrRef: undefined,
        partyRef: undefined,
        cdrId: 'CDR-HIGH',
        merchantId: 'mer_ocpi',
        paymentIntentId: intentId,
        currency: 'TRY',
        theirInclVat: 24_000,
        ourInclVat: 22_800,
        difference: 1_200,
      },
    );
    await eventually(async () => assert.equal(receiver.received.length, 1));
    const payload = verified(secret, receiver.received[0]!);
    assert.equal(payload.type, 'ocpi_cdr.cost_mismatched');
    assert.deepEqual(payload.data, {
      cdrId: 'CDR-HIGH',
      paymentIntentId: intentId,
      currency: 'TRY',
      cpoTotalInclVat: 24_000,
      computedTotalInclVat: 22_800,
      difference: 1_200,
    });
  });

  it('takes a retried CDR once, refuses a changed one under the same id, and tells no merchant of a CDR naming no intent of ours', async () => {
    const before = (await api.allEvents()).length;
    await cpo.pushCdr(cdr('CDR-OK', 228, intentId));
    assert.equal((await api.allEvents()).length, before, 'the same CDR again changes nothing');
    await assert.rejects(cpo.pushCdr(cdr('CDR-OK', 300, intentId)), /HTTP 400/);

    await cpo.pushCdr(cdr('CDR-ORPHAN', 260));
    const orphan = (await eventsOfType('OcpiCdrCostMismatched')).find(
      (event) => (event.data as { cdrId: string }).cdrId === 'CDR-ORPHAN',
    );
    assert.equal((orphan?.data as { merchantId: string | null }).merchantId, null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(receiver.received.length, 1, 'no webhook without a merchant');
  });

  it('every OCPI request sent and answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 8 });
  });
});
