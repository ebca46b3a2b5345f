import assert from 'node:assert/strict';
import { energyTariff, startChargingHarness, type ChargingHarness } from './adhoc-charges.fixtures';

describe('HTTP: ad-hoc charges, bad input (400 or 403, nothing appended)', function () {
  this.timeout(60_000);
  let h: ChargingHarness;
  let charge: { id: string; activatedAt: string };
  let intentId: string;

  before(async () => {
    h = await startChargingHarness();
    await h.putTariff('energy', energyTariff);
    intentId = await h.authorizedIntent(20_000);
    const started = await h.start({
      paymentIntentId: intentId,
      tariffId: 'energy',
      stationId: 'ST-BAD',
      connectorId: '1',
    });
    charge = await h.waitForCharge(started.id, (c) => c.status === 'active');
  });
  after(() => h.close());

  const unchanged = async (run: () => Promise<void>) => {
    const before = await h.api.allEvents();
    await run();
    assert.deepEqual((await h.api.allEvents()).length, before.length, 'something was appended');
  };

  it('refuses malformed starts', () =>
    unchanged(async () => {
      const valid = { paymentIntentId: intentId, tariffId: 'energy', stationId: 'ST-BAD', connectorId: '1' };
      const cases: Record<string, unknown>[] = [
        { ...valid, paymentIntentId: 'pi_nope' },
        { ...valid, stationId: 'has space' },
        { ...valid, connectorId: undefined },
        { ...valid, merchantId: 'mer_evil' },
        { ...valid, tariffId: 'x'.repeat(37) },
        { ...valid, metadata: { note: 1 } },
      ];
      for (const body of cases) {
        const response = await h.api.request('POST', '/v1/adhoc-charges/start', { key: h.key, body });
        assert.deepEqual(
          [response.status, response.body.error.code],
          [400, 'validation_failed'],
          JSON.stringify(body),
        );
      }
      const notJson = await h.api.request('POST', '/v1/adhoc-charges/start', {
        key: h.key,
        rawBody: '{"paymentIntentId":',
      });
      assert.deepEqual([notJson.status, notJson.body.error.code], [400, 'invalid_json']);
    }));

  it('refuses malformed readings, and readings from the future', () =>
    unchanged(async () => {
      const at = new Date(Date.parse(charge.activatedAt) + 60_000).toISOString();
      const cases: unknown[] = [
        { meterWh: -1, measuredAt: at },
        { meterWh: 1.5, measuredAt: at },
        { meterWh: 100 },
        { meterWh: 100, measuredAt: 'yesterday' },
        { meterWh: 100, measuredAt: at, powerKw: -3 },
        { meterWh: 100, measuredAt: at, voltage: 230 },
      ];
      for (const body of cases) {
        const response = await h.api.request('PUT', `/v1/adhoc-charges/${charge.id}/progress`, {
          key: h.key,
          body,
        });
        assert.deepEqual(
          [response.status, response.body.error.code],
          [400, 'validation_failed'],
          JSON.stringify(body),
        );
      }
      const future = new Date(h.clock.now().getTime() + 10 * 60_000).toISOString();
      const ahead = await h.api.request('PUT', `/v1/adhoc-charges/${charge.id}/progress`, {
        key: h.key,
        body: { meterWh: 100, measuredAt: future },
      });
      assert.deepEqual(
        [ahead.status, ahead.body.error.code, ahead.body.error.param],
        [400, 'reading_in_future', 'measuredAt'],
      );
      const badId = await h.api.request('PUT', '/v1/adhoc-charges/ch_bad/progress', {
        key: h.key,
        body: { meterWh: 1, measuredAt: at },
      });
      assert.equal(badId.status, 400);
      const badComplete = await h.complete(charge.id, { reading: { meterWh: 'lots' } });
      assert.equal(badComplete.status, 400);
    }));

  it('keeps other merchants, other terminals and missing scopes out', async () => {
    const other = await h.api.issueKey({
      merchantId: 'mer_other',
      scopes: ['charges:read', 'charges:write'],
    });
    const otherTerminal = await h.api.issueKey({
      terminalId: 'trm_9',
      scopes: ['charges:read', 'charges:write'],
    });
    const readOnly = await h.api.issueKey({ scopes: ['charges:read'] });
    await unchanged(async () => {
      const at = new Date(Date.parse(charge.activatedAt) + 60_000).toISOString();
      for (const key of [other, otherTerminal]) {
        const read = await h.api.request('GET', `/v1/adhoc-charges/${charge.id}`, { key });
        const write = await h.api.request('PUT', `/v1/adhoc-charges/${charge.id}/progress`, {
          key,
          body: { meterWh: 1, measuredAt: at },
        });
        assert.deepEqual([read.status, write.status], [404, 404]);
        const list = await h.api.request('GET', '/v1/adhoc-charges', { key });
        assert.deepEqual(list.body.data, []);
      }
      const forbidden = await h.api.request('POST', `/v1/adhoc-charges/${charge.id}/complete`, {
        key: readOnly,
      });
      assert.deepEqual([forbidden.status, forbidden.body.error.code], [403, 'insufficient_scope']);
    });
  });
});
