import assert from 'node:assert/strict';
import { checkRoutingHeaders } from '../../src/ocpi/http/routing-headers';
import { authorizationHeader, tokensOfHeader } from '../../src/ocpi/transport/credentials-token';
import { OcpiError } from '../../src/ocpi/transport/ocpi-errors';
import { isOcpiDateTime, parseOcpiDateTime } from '../../src/ocpi/transport/ocpi-time';

describe('OCPI transport rules', () => {
  it('reads timestamps as UTC: Z or no zone, at most three decimals, never an offset', () => {
    for (const ok of [
      '2015-06-29T20:39:09Z',
      '2016-12-29T17:45:09.2Z',
      '2018-01-01T01:08:01.123Z',
      '2018-01-01T01:08:01',
    ]) {
      assert.ok(isOcpiDateTime(ok), ok);
    }
    for (const bad of [
      '2018-01-01T01:08:01+00:00',
      '2018-01-01T01:08:01.1234Z',
      '2018-02-30T00:00:00Z',
      '2018-01-01',
    ]) {
      assert.ok(!isOcpiDateTime(bad), bad);
    }
    assert.equal(parseOcpiDateTime('2018-01-01T01:08:01')?.toISOString(), '2018-01-01T01:08:01.000Z');
  });

  it('encodes the token in base64, and reads both forms of the header', () => {
    assert.equal(authorizationHeader('example-token', false), 'Token ZXhhbXBsZS10b2tlbg==');
    assert.equal(authorizationHeader('example-token', true), 'Token example-token');
    assert.deepEqual(tokensOfHeader('Token ZXhhbXBsZS10b2tlbg=='), {
      decoded: 'example-token',
      raw: 'ZXhhbXBsZS10b2tlbg==',
    });
    assert.deepEqual(tokensOfHeader('Token example-token'), { raw: 'example-token' });
    assert.equal(tokensOfHeader('Bearer abc'), undefined);
    assert.equal(tokensOfHeader(undefined), undefined);
  });

  it('holds routing headers to the caller and to us, case-insensitively', () => {
    const roles = [{ role: 'CPO', countryCode: 'NL', partyId: 'CPO', businessName: 'x' }];
    const us = { countryCode: 'TR', partyId: 'EDG' };
    const refusedWith2001 = (headers: Record<string, string>) =>
      assert.throws(
        () => checkRoutingHeaders(headers, roles, us),
        (error: unknown) =>
          error instanceof OcpiError && error.httpStatus === 400 && error.statusCode === 2001,
      );
    checkRoutingHeaders({}, roles, us);
    checkRoutingHeaders(
      {
        'ocpi-from-country-code': 'nl',
        'ocpi-from-party-id': 'cpo',
        'ocpi-to-country-code': 'TR',
        'ocpi-to-party-id': 'edg',
      },
      roles,
      us,
    );
    refusedWith2001({ 'ocpi-from-country-code': 'DE', 'ocpi-from-party-id': 'CPO' });
    refusedWith2001({ 'ocpi-to-country-code': 'TR', 'ocpi-to-party-id': 'XYZ' });
    refusedWith2001({ 'ocpi-from-country-code': 'NL' });
  });
});
