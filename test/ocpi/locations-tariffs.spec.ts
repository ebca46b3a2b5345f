import assert from 'node:assert/strict';
import { systemContext } from '../../src/commands/command-context';
import { ocpiLocationRef } from '../../src/commands/ocpi/ocpi-location.service';
import { OcpiCpoSimulator } from '../../src/integrations/ocpi-cpo/ocpi-cpo-simulator';
import { ocpiTariffOwner } from '../../src/ocpi/modules/tariffs-receiver';
import { authorizationHeader } from '../../src/ocpi/transport/credentials-token';
import type { OcpiRuntime } from '../../src/runtime/ocpi';
import { ocpiConformance } from '../support/ocpi-conformance';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('OCPI Locations and Tariffs: the CPO pushes to our receivers, we pull from its senders', () => {
  let api: TestGateway;
  let ocpi: OcpiRuntime;
  let cpo: OcpiCpoSimulator;
  let partyRef: string;
  const conformance = ocpiConformance();

  const ocpiRequest = (
    method: string,
    path: string,
    token: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    api.request(method, path, {
      ...(options.body === undefined ? {} : { body: options.body }),
      headers: {
        Authorization: authorizationHeader(token, false),
        'X-Request-ID': crypto.randomUUID(),
        'X-Correlation-ID': crypto.randomUUID(),
        ...options.headers,
      },
    });

  before(async () => {
    api = await startTestGateway({ env: { OCPI_RETRY_BACKOFF_MS: '10' }, ocpiExchanges: conformance.record });
    ocpi = api.gateway.ocpi as OcpiRuntime;
    cpo = new OcpiCpoSimulator({ countryCode: 'TR', partyId: 'CPO', pageLimit: 2 });
    await cpo.listen();
    const issued = await ocpi.parties.issueRegistrationToken(
      { name: 'cpo', acceptsUnencodedTokens: false },
      systemContext('test-setup'),
    );
    partyRef = issued.partyRef;
    await cpo.registerWith(`${api.url}/ocpi/versions`, issued.token);
  });
  after(async () => {
    await cpo.close();
    await api.close();
  });

  it('stores a pushed Location (201, then 200), serves it back, and records EVSE status changes from PATCH', async () => {
    const location = cpo.locations[0]!;
    assert.equal(await cpo.pushLocation(location), 201);
    assert.equal(await cpo.pushLocation(location), 200);
    const base = `/ocpi/2.3.0/receiver/locations/TR/CPO`;
    const stored = await ocpiRequest(
      'GET',
      `${base}/${location.id.toLowerCase()}`,
      cpo.peer.tokenForPeer as string,
    );
    assert.equal(stored.status, 200, 'CiString ids: any casing names the same location');
    assert.equal(stored.body.data.id, location.id);

    assert.equal(await cpo.pushEvseStatus(location.id, location.evses[0]!.uid, 'CHARGING'), 200);
    const evse = await ocpiRequest(
      'GET',
      `${base}/${location.id}/${location.evses[0]!.uid}`,
      cpo.peer.tokenForPeer as string,
    );
    assert.equal(evse.body.data.status, 'CHARGING');
    const changes = (await api.allEvents()).filter((event) => event.type === 'OcpiEvseStatusChanged');
    assert.ok(
      changes.some(
        (event) =>
          (event.data as { status: string; previousStatus: string | null }).status === 'CHARGING' &&
          (event.data as { previousStatus: string | null }).previousStatus === 'AVAILABLE',
      ),
    );
    const byPeer = changes.every((event) => event.metadata.actor.kind === 'ocpi_party');
    assert.ok(byPeer, 'the CPO is the actor of what it pushed');
  });

  it('answers 404 with 2003 for an unknown location, and 404 for another party in the URL', async () => {
    const token = cpo.peer.tokenForPeer as string;
    const unknown = await ocpiRequest('PATCH', '/ocpi/2.3.0/receiver/locations/TR/CPO/NOPE', token, {
      body: { status: 'AVAILABLE', last_updated: '2026-01-01T10:00:00' },
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.status_code, 2003);
    const other = await ocpiRequest('GET', '/ocpi/2.3.0/receiver/locations/NL/XYZ/LOC-IST-1', token);
    assert.equal(other.status, 404);
  });

  it('refuses routing headers naming another sender or another receiver (400, 2001), and accepts ours', async () => {
    const token = cpo.peer.tokenForPeer as string;
    const path = `/ocpi/2.3.0/receiver/locations/TR/CPO/${cpo.locations[0]!.id}`;
    const wrongFrom = await ocpiRequest('GET', path, token, {
      headers: { 'OCPI-from-country-code': 'DE', 'OCPI-from-party-id': 'ABC' },
    });
    assert.equal(wrongFrom.status, 400);
    assert.equal(wrongFrom.body.status_code, 2001);
    const wrongTo = await ocpiRequest('GET', path, token, {
      headers: {
        'OCPI-from-country-code': 'tr',
        'OCPI-from-party-id': 'cpo',
        'OCPI-to-country-code': 'TR',
        'OCPI-to-party-id': 'ZZZ',
      },
    });
    assert.equal(wrongTo.status, 400);
    const right = await ocpiRequest('GET', path, token, {
      headers: {
        'OCPI-from-country-code': 'tr',
        'OCPI-from-party-id': 'cpo',
        'OCPI-to-country-code': 'TR',
        'OCPI-to-party-id': 'edg',
      },
    });
    assert.equal(right.status, 200);
  });

  it('refuses a registration token on a functional module with 401', async () => {
    const issued = await ocpi.parties.issueRegistrationToken(
      { name: 'not yet', acceptsUnencodedTokens: false },
      systemContext('test-a'),
    );
    const answer = await ocpiRequest('GET', '/ocpi/2.3.0/receiver/locations/TR/CPO/LOC-IST-1', issued.token);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.status_code, 2000);
  });

  it('turns a pushed Tariff into a tariff of the tariff engine owned by the party, and refuses one it cannot price', async () => {
    const tariff = cpo.tariffs[0]!;
    assert.equal(await cpo.pushTariff(tariff), 201);
    const inEngine = await ocpi.tariffs.load(ocpiTariffOwner('TR', 'CPO'), tariff.id);
    assert.equal(inEngine.definition.currency, 'TRY');
    assert.equal(inEngine.definition.preauthorizeAmount, 50_000, '500 TRY in kuruş');
    const back = await ocpiRequest(
      'GET',
      `/ocpi/2.3.0/receiver/tariffs/TR/CPO/${tariff.id}`,
      cpo.peer.tokenForPeer as string,
    );
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.data.elements[0].price_components[0].price, 9.5);

    const unpriceable = await ocpiRequest(
      'PUT',
      '/ocpi/2.3.0/receiver/tariffs/TR/CPO/BAD',
      cpo.peer.tokenForPeer as string,
      {
        body: { ...tariff, id: 'BAD', currency: 'XXX' },
      },
    );
    assert.equal(unpriceable.status, 400);
    assert.equal(unpriceable.body.status_code, 2001);
    const mismatch = await ocpiRequest(
      'PUT',
      '/ocpi/2.3.0/receiver/tariffs/TR/CPO/OTHER',
      cpo.peer.tokenForPeer as string,
      {
        body: tariff,
      },
    );
    assert.equal(mismatch.body.status_code, 2001, 'the id in the body must be the one of the URL');
  });

  it('pulls every Location and Tariff from the CPO senders, following Link pages (X-Limit 2)', async () => {
    const before = conformance.exchanges.length;
    const locations = await ocpi.pulls.pullLocations(partyRef, systemContext(crypto.randomUUID()));
    assert.deepEqual(locations, { stored: 3, skipped: 0 });
    const tariffs = await ocpi.pulls.pullTariffs(partyRef, systemContext(crypto.randomUUID()));
    assert.deepEqual(tariffs, { stored: 3, skipped: 0 });
    const pulls = conformance.exchanges.slice(before).filter((exchange) => exchange.direction === 'outbound');
    assert.equal(pulls.length, 4, 'two pages of locations, two of tariffs');
    assert.ok(pulls.some((exchange) => exchange.query.offset === '2'));
    const { state } = await ocpi.locations.load(ocpiLocationRef('TR', 'CPO', 'LOC-ANK-1'));
    assert.equal(state.status, 'stored');
    await ocpi.tariffs.load(ocpiTariffOwner('TR', 'CPO'), 'TRF-PARK');
  });

  it('every OCPI request sent and answer given matches the official description', () => {
    conformance.assertConforming({ minimum: 15 });
  });
});
