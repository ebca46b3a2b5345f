import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import {
  MAPPINGS,
  mappingBody,
  startInfraHarness,
  type InfraHarness,
} from './charging-infrastructure.fixtures';

describe('HTTP: station-CPMS mappings', function () {
  this.timeout(30_000);
  let h: InfraHarness;

  before(async () => {
    h = await startInfraHarness();
  });
  after(() => h.close());

  it('creates, reads, changes with If-Match and deletes a mapping', async () => {
    const created = await h.api.request('POST', MAPPINGS, { key: h.key, body: mappingBody('IST-CRUD') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('etag'), '"1"');
    assert.match(created.body.id, /^sm_/);
    assert.deepEqual(
      [created.body.stationId, created.body.adapterType, created.body.chargePointId, created.body.locationId],
      ['IST-CRUD', 'longship', 'CP-IST-CRUD', null],
    );
    assert.deepEqual(created.body.connectors[1], {
      connectorId: '2',
      connectorNumber: 2,
      cpmsConnectorId: null,
      evseUid: 'TR*EDG*IST-CRUD*2',
    });

    const read = await h.api.request('GET', `${MAPPINGS}/${created.body.id}`, { key: h.key });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);

    const stale = await h.api.request('PATCH', `${MAPPINGS}/${created.body.id}`, {
      key: h.key,
      headers: { 'If-Match': '"7"' },
      body: { chargePointId: 'CP-NEW' },
    });
    assert.equal(stale.status, 412, JSON.stringify(stale.body));
    assert.equal(stale.body.error.code, 'version_mismatch');

    const withoutCorpayIds = await h.api.request('PATCH', `${MAPPINGS}/${created.body.id}`, {
      key: h.key,
      headers: { 'If-Match': '"1"' },
      body: { adapterType: 'corpay', chargePointId: 'CP-NEW', locationId: 'LOC-1' },
    });
    assert.equal(withoutCorpayIds.status, 400, JSON.stringify(withoutCorpayIds.body));
    assert.equal(withoutCorpayIds.body.error.code, 'cpms_connector_id_required');
    const corpayConnectors = created.body.connectors.map((connector: any, index: number) => ({
      connectorId: connector.connectorId,
      connectorNumber: connector.connectorNumber,
      cpmsConnectorId: `CORPAY-${index + 1}`,
    }));
    const changed = await h.api.request('PATCH', `${MAPPINGS}/${created.body.id}`, {
      key: h.key,
      headers: { 'If-Match': '"1"' },
      body: {
        adapterType: 'corpay',
        chargePointId: 'CP-NEW',
        locationId: 'LOC-1',
        connectors: corpayConnectors,
      },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(
      [changed.body.adapterType, changed.body.chargePointId, changed.body.locationId, changed.body.version],
      ['corpay', 'CP-NEW', 'LOC-1', 2],
    );
    assert.equal(changed.body.connectors.length, 2);

    const staleDelete = await h.api.request('DELETE', `${MAPPINGS}/${created.body.id}`, {
      key: h.key,
      headers: { 'If-Match': '"1"' },
    });
    assert.equal(staleDelete.status, 412);
    const deleted = await h.api.request('DELETE', `${MAPPINGS}/${created.body.id}`, {
      key: h.key,
      headers: { 'If-Match': '"2"' },
    });
    assert.equal(deleted.status, 204);
    assert.equal((await h.api.request('GET', `${MAPPINGS}/${created.body.id}`, { key: h.key })).status, 404);
    assert.equal(
      (await h.api.request('DELETE', `${MAPPINGS}/${created.body.id}`, { key: h.key })).status,
      404,
    );
    // A deleted mapping frees its station.
    const again = await h.api.request('POST', MAPPINGS, { key: h.key, body: mappingBody('IST-CRUD') });
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });

  it('maps a station once per merchant, whatever its casing, even when two requests race', async () => {
    await h.createMapping(mappingBody('IST-ONCE'));
    const duplicate = await h.api.request('POST', MAPPINGS, { key: h.key, body: mappingBody('ist-once') });
    assert.equal(duplicate.status, 409, JSON.stringify(duplicate.body));
    assert.equal(duplicate.body.error.code, 'station_already_mapped');

    const racing = await Promise.all(
      [1, 2, 3].map((n) =>
        h.api.request('POST', MAPPINGS, {
          key: h.key,
          body: mappingBody('IST-RACE', { chargePointId: `CP-${n}` }),
        }),
      ),
    );
    assert.deepEqual(racing.map((response) => response.status).sort(), [201, 409, 409]);

    // Another merchant has its own station of that name.
    const other = await h.api.issueKey({ merchantId: 'mer_other', scopes: ['infrastructure:write'] });
    const theirs = await h.api.request('POST', MAPPINGS, { key: other, body: mappingBody('IST-ONCE') });
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
  });

  it("hides another merchant's mappings from every operation", async () => {
    const other = await h.api.issueKey({
      merchantId: 'mer_hidden',
      scopes: ['infrastructure:read', 'infrastructure:write'],
    });
    const theirs = await h.createMapping(mappingBody('IST-THEIRS'), other);
    for (const [method, path, body] of [
      ['GET', `${MAPPINGS}/${theirs.id}`, undefined],
      ['PATCH', `${MAPPINGS}/${theirs.id}`, { chargePointId: 'CP-STOLEN' }],
      ['DELETE', `${MAPPINGS}/${theirs.id}`, undefined],
      ['POST', `${MAPPINGS}/${theirs.id}/test`, undefined],
    ] as const) {
      const response = await h.api.request(method, path, { key: h.key, ...(body ? { body } : {}) });
      assert.equal(response.status, 404, `${method} ${path}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.code, 'station_mapping_not_found');
    }
    const mine = await h.api.request('GET', `${MAPPINGS}?stationId=IST-THEIRS`, { key: h.key });
    assert.deepEqual(mine.body.data, []);
    const still = await h.api.request('GET', `${MAPPINGS}/${theirs.id}`, { key: other });
    assert.equal(still.body.chargePointId, 'CP-IST-THEIRS');
  });

  it('lists with filters and cursor pagination, newest first', async () => {
    const merchant = await h.api.issueKey({
      merchantId: 'mer_list',
      scopes: ['infrastructure:read', 'infrastructure:write'],
    });
    const ids: string[] = [];
    for (const [station, adapterType] of [
      ['L-1', 'longship'],
      ['L-2', 'corpay'],
      ['L-3', 'longship'],
    ] as const) {
      const connectors = [{ connectorId: '1', connectorNumber: 1, cpmsConnectorId: `${station}-1` }];
      const body = mappingBody(
        station,
        adapterType === 'corpay' ? { adapterType, connectors } : { adapterType },
      );
      ids.push((await h.createMapping(body, merchant)).id);
    }
    const pages = await eventually(async () => {
      const first = await h.api.request('GET', `${MAPPINGS}?limit=2`, { key: merchant });
      assert.equal(first.body.data.length, 2, JSON.stringify(first.body));
      const second = await h.api.request('GET', `${MAPPINGS}?limit=2&cursor=${first.body.nextCursor}`, {
        key: merchant,
      });
      return [first.body, second.body];
    });
    assert.deepEqual(
      [...pages[0].data, ...pages[1].data].map((m: any) => m.id),
      [...ids].reverse(),
    );
    assert.deepEqual([pages[0].hasMore, pages[1].hasMore], [true, false]);

    const longship = await h.api.request('GET', `${MAPPINGS}?adapterType=longship`, { key: merchant });
    assert.deepEqual(
      longship.body.data.map((m: any) => m.stationId),
      ['L-3', 'L-1'],
    );
    const byChargePoint = await h.api.request('GET', `${MAPPINGS}?chargePointId=CP-L-2`, { key: merchant });
    assert.deepEqual(
      byChargePoint.body.data.map((m: any) => m.stationId),
      ['L-2'],
    );
    const byStation = await h.api.request('GET', `${MAPPINGS}?stationId=L-1`, { key: merchant });
    assert.deepEqual(
      byStation.body.data.map((m: any) => m.stationId),
      ['L-1'],
    );
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const before = (await h.api.allEvents()).length;
    const cases: [unknown, string][] = [
      [{ ...mappingBody('B-1'), connectors: [] }, 'connectors'],
      [{ ...mappingBody('B-2'), adapterType: 'hubject' }, 'adapterType'],
      [{ ...mappingBody('B-3'), chargePointId: '' }, 'chargePointId'],
      [
        { ...mappingBody('B-4'), connectors: [{ connectorId: '1', connectorNumber: 0 }] },
        'connectors.0.connectorNumber',
      ],
      [
        {
          ...mappingBody('B-5'),
          connectors: [
            { connectorId: '1', connectorNumber: 1 },
            { connectorId: '2', connectorNumber: 1 },
          ],
        },
        'connectors',
      ],
      [
        {
          ...mappingBody('B-6'),
          connectors: [
            { connectorId: '1', connectorNumber: 1 },
            { connectorId: '1', connectorNumber: 2 },
          ],
        },
        'connectors',
      ],
      [{ ...mappingBody('B-7'), extra: true }, 'extra'],
      [{ adapterType: 'longship' }, 'stationId'],
    ];
    for (const [body, param] of cases) {
      const response = await h.api.request('POST', MAPPINGS, { key: h.key, body });
      assert.equal(response.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.param ?? param, param, JSON.stringify(response.body));
    }
    const mapping = await h.createMapping(mappingBody('B-OK'));
    const emptyPatch = await h.api.request('PATCH', `${MAPPINGS}/${mapping.id}`, { key: h.key, body: {} });
    assert.equal(emptyPatch.status, 400);
    const badId = await h.api.request('GET', `${MAPPINGS}/not-an-id`, { key: h.key });
    assert.equal(badId.status, 400);
    const badCursor = await h.api.request('GET', `${MAPPINGS}?cursor=bm90LWEtY3Vyc29y`, { key: h.key });
    assert.equal(badCursor.status, 400);
    assert.equal((await h.api.allEvents()).length, before + 1);
  });

  it('needs the infrastructure scopes', async () => {
    const reader = await h.api.issueKey({ scopes: ['infrastructure:read'] });
    const payments = await h.api.issueKey({ scopes: ['payments:read', 'payments:write'] });
    assert.equal(
      (await h.api.request('POST', MAPPINGS, { key: reader, body: mappingBody('S-1') })).status,
      403,
    );
    assert.equal((await h.api.request('GET', MAPPINGS, { key: payments })).status, 403);
    assert.equal((await h.api.request('GET', MAPPINGS, { key: reader })).status, 200);
    assert.equal((await h.api.request('GET', MAPPINGS)).status, 401);
  });

  it('tests a mapping against its CPMS: 409 unconfigured, then what the CPMS says', async () => {
    const mapping = await h.createMapping(mappingBody('T-1'));
    const unconfigured = await h.api.request('POST', `${MAPPINGS}/${mapping.id}/test`, { key: h.key });
    assert.equal(unconfigured.status, 409, JSON.stringify(unconfigured.body));
    assert.equal(unconfigured.body.error.code, 'adapter_not_configured');

    await h.configureLongship();
    const ok = await h.api.request('POST', `${MAPPINGS}/${mapping.id}/test`, { key: h.key });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      [ok.body.ok, ok.body.mappingId, ok.body.found.chargePointId],
      [true, mapping.id, 'CP-T-1'],
    );
    assert.deepEqual(h.cpms.callsOf('test').at(-1)?.target, { chargePointId: 'CP-T-1', connectorNumber: 1 });

    h.cpms.testAnswer = 'auth_failed';
    const refused = await h.api.request('POST', `${MAPPINGS}/${mapping.id}/test`, { key: h.key });
    assert.deepEqual(
      [refused.status, refused.body.ok, refused.body.error.code],
      [200, false, 'cpms_auth_failed'],
    );
    h.cpms.testAnswer = 'unavailable';
    const down = await h.api.request('POST', `${MAPPINGS}/${mapping.id}/test`, { key: h.key });
    assert.deepEqual([down.status, down.body.ok, down.body.error.code], [200, false, 'cpms_unavailable']);
    h.cpms.testAnswer = 'ok';
  });
});
