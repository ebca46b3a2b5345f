import assert from 'node:assert/strict';
import { startTestGateway, type ApiResponse, type TestGateway } from '../support/test-gateway';
import { heartbeat, operatorKey, registerBody, registerTerminal } from './terminals.fixtures';

const assertEnvelope = (response: ApiResponse, status: number, code?: string) => {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(typeof response.body?.error?.message, 'string');
  assert.equal(typeof response.body.error.type, 'string');
  assert.match(response.body.error.requestId, /\S/);
  if (code) assert.equal(response.body.error.code, code);
};

interface Case {
  name: string;
  method: string;
  path: () => string;
  body?: unknown;
  rawBody?: string;
  key?: () => string;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  param?: string;
}

describe('HTTP: terminals and attestation refuse bad input with 4xx, the envelope, and nothing appended', () => {
  let api: TestGateway;
  let operator: string;
  let readOnly: string;
  let writeOnly: string;
  let otherMerchant: string;
  let terminalId: string;
  let terminalKey: string;
  let foreignTerminalId: string;

  before(async () => {
    api = await startTestGateway();
    operator = await operatorKey(api);
    readOnly = await api.issueKey({ scopes: ['terminals:read'] });
    writeOnly = await api.issueKey({ scopes: ['terminals:write'] });
    otherMerchant = await operatorKey(api, 'mer_other');
    ({
      terminal: { id: terminalId },
      apiKey: terminalKey,
    } = await registerTerminal(api, operator, 'SN-BAD-1'));
    ({
      terminal: { id: foreignTerminalId },
    } = await registerTerminal(api, otherMerchant, 'SN-BAD-FOREIGN'));
  });
  after(() => api.close());

  const terminals = '/v1/terminals';
  const one = () => `${terminals}/${terminalId}`;
  const health = () => `${one()}/health-events`;
  const status = () => `${one()}/status`;
  const rotate = () => `${one()}/credentials/rotate`;
  const challenge = () => `${one()}/attestation/challenge`;
  const attestation = () => `${one()}/attestation`;
  const policy = () => '/v1/attestation-policy';
  const unknownTerminal = '/v1/terminals/trm_01ARZ3NDEKTSV4RRFFQ69G5FAV';
  const event = (extra: Record<string, unknown> = {}) => heartbeat(new Date(), extra);
  const evidence = { challengeId: 'tac_01ARZ3NDEKTSV4RRFFQ69G5FAV', certificateChain: 'x' };

  const cases: Case[] = [
    // POST /v1/terminals
    {
      name: 'register without a serial number',
      method: 'POST',
      path: () => terminals,
      body: { model: 'A920', stationId: 'S1' },
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'register with the merchant in the body',
      method: 'POST',
      path: () => terminals,
      body: { ...registerBody('SN-B2'), merchantId: 'mer_other' },
      status: 400,
    },
    {
      name: 'register with a serial holding spaces',
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN B3'),
      status: 400,
      param: 'serialNumber',
    },
    {
      name: 'register with an absurd model',
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN-B4', { model: 'x'.repeat(65) }),
      status: 400,
      param: 'model',
    },
    {
      name: 'register with metadata that is not strings',
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN-B5', { metadata: { a: 1 } }),
      status: 400,
    },
    {
      name: 'register with an array body',
      method: 'POST',
      path: () => terminals,
      body: [registerBody('SN-B6')],
      status: 400,
    },
    {
      name: 'register with malformed JSON',
      method: 'POST',
      path: () => terminals,
      rawBody: '{"serialNumber": 1',
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'register with an oversized body',
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN-B7', { metadata: { big: 'x'.repeat(70_000) } }),
      status: 413,
    },
    {
      name: 'register with a card number in metadata',
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN-B8', { metadata: { note: '4111 1111 1111 1111' } }),
      status: 400,
      code: 'card_data_refused',
    },
    {
      name: 'register without credentials',
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN-B9'),
      key: () => '',
      status: 401,
    },
    {
      name: 'register with a read-only key',
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN-B10'),
      key: () => readOnly,
      status: 403,
      code: 'insufficient_scope',
    },
    {
      name: "register with a terminal's own key",
      method: 'POST',
      path: () => terminals,
      body: registerBody('SN-B11'),
      key: () => terminalKey,
      status: 403,
      code: 'operator_credential_required',
    },
    // GET /v1/terminals
    {
      name: 'list with limit 0',
      method: 'GET',
      path: () => `${terminals}?limit=0`,
      status: 400,
      param: 'limit',
    },
    {
      name: 'list with limit 101',
      method: 'GET',
      path: () => `${terminals}?limit=101`,
      status: 400,
      param: 'limit',
    },
    {
      name: 'list with a limit that is not a number',
      method: 'GET',
      path: () => `${terminals}?limit=ten`,
      status: 400,
    },
    {
      name: 'list with an unknown filter',
      method: 'GET',
      path: () => `${terminals}?colour=red`,
      status: 400,
    },
    {
      name: 'list with an unknown status',
      method: 'GET',
      path: () => `${terminals}?status=lost`,
      status: 400,
    },
    {
      name: 'list with a malformed cursor',
      method: 'GET',
      path: () => `${terminals}?cursor=a%2Bb`,
      status: 400,
    },
    {
      name: 'list with a date that is not one',
      method: 'GET',
      path: () => `${terminals}?lastSeenAfter=yesterday`,
      status: 400,
    },
    {
      name: 'list with a write-only key',
      method: 'GET',
      path: () => terminals,
      key: () => writeOnly,
      status: 403,
    },
    // GET /v1/terminals/stats
    {
      name: 'stats with a query',
      method: 'GET',
      path: () => `${terminals}/stats?merchantId=mer_other`,
      status: 400,
    },
    {
      name: 'stats without credentials',
      method: 'GET',
      path: () => `${terminals}/stats`,
      key: () => '',
      status: 401,
    },
    // GET /v1/terminals/{id}
    {
      name: 'get with a malformed id',
      method: 'GET',
      path: () => `${terminals}/not-a-terminal`,
      status: 400,
    },
    {
      name: 'get an unknown terminal',
      method: 'GET',
      path: () => unknownTerminal,
      status: 404,
      code: 'terminal_not_found',
    },
    {
      name: "get another merchant's terminal",
      method: 'GET',
      path: () => `${terminals}/${foreignTerminalId}`,
      status: 404,
    },
    // POST /v1/terminals/{id}/health-events
    {
      name: 'health without an event id',
      method: 'POST',
      path: health,
      body: { type: 'heartbeat', occurredAt: new Date().toISOString() },
      status: 400,
      param: 'eventId',
    },
    {
      name: 'health of an unknown type',
      method: 'POST',
      path: health,
      body: event({ type: 'mood' }),
      status: 400,
    },
    {
      name: 'health with a battery above 100%',
      method: 'POST',
      path: health,
      body: event({ type: 'battery', battery: { levelPercent: 101, charging: false } }),
      status: 400,
    },
    {
      name: 'a battery event without the battery',
      method: 'POST',
      path: health,
      body: event({ type: 'battery' }),
      status: 400,
      code: 'health_reading_missing',
      param: 'battery',
    },
    {
      name: 'an error event without error codes',
      method: 'POST',
      path: health,
      body: event({ type: 'error' }),
      status: 400,
      code: 'health_reading_missing',
    },
    {
      name: 'health with a time that is not one',
      method: 'POST',
      path: health,
      body: event({ occurredAt: 'now' }),
      status: 400,
    },
    {
      name: 'health with an unknown field',
      method: 'POST',
      path: health,
      body: event({ temperature: 40 }),
      status: 400,
    },
    {
      name: 'health for an unknown terminal',
      method: 'POST',
      path: () => `${unknownTerminal}/health-events`,
      body: event(),
      status: 404,
    },
    {
      name: "health for another merchant's terminal",
      method: 'POST',
      path: () => `${terminals}/${foreignTerminalId}/health-events`,
      body: event(),
      status: 404,
    },
    // PUT /v1/terminals/{id}/status
    {
      name: 'status that does not exist',
      method: 'PUT',
      path: status,
      body: { status: 'retired' },
      status: 400,
    },
    { name: 'status missing', method: 'PUT', path: status, body: { reason: 'x' }, status: 400 },
    {
      name: 'status with an unknown field',
      method: 'PUT',
      path: status,
      body: { status: 'suspended', until: 'monday' },
      status: 400,
    },
    {
      name: 'status with a malformed If-Match',
      method: 'PUT',
      path: status,
      body: { status: 'suspended' },
      headers: { 'if-match': 'yesterday' },
      status: 400,
    },
    {
      name: 'status with a stale If-Match',
      method: 'PUT',
      path: status,
      body: { status: 'suspended' },
      headers: { 'if-match': '"9"' },
      status: 412,
    },
    {
      name: 'status of an unknown terminal',
      method: 'PUT',
      path: () => `${unknownTerminal}/status`,
      body: { status: 'suspended' },
      status: 404,
    },
    {
      name: "status by the terminal's own key",
      method: 'PUT',
      path: status,
      body: { status: 'suspended' },
      key: () => terminalKey,
      status: 403,
    },
    // POST /v1/terminals/{id}/credentials/rotate
    { name: 'rotate with a body', method: 'POST', path: rotate, body: { keep: true }, status: 400 },
    {
      name: 'rotate an unknown terminal',
      method: 'POST',
      path: () => `${unknownTerminal}/credentials/rotate`,
      status: 404,
    },
    {
      name: "rotate another merchant's terminal",
      method: 'POST',
      path: () => `${terminals}/${foreignTerminalId}/credentials/rotate`,
      status: 404,
    },
    { name: 'rotate with a read-only key', method: 'POST', path: rotate, key: () => readOnly, status: 403 },
    // POST /v1/terminals/{id}/attestation/challenge
    {
      name: 'challenge with a body',
      method: 'POST',
      path: challenge,
      body: { size: 64 },
      key: () => terminalKey,
      status: 400,
    },
    {
      name: 'challenge by an operator',
      method: 'POST',
      path: challenge,
      status: 403,
      code: 'terminal_credential_required',
    },
    {
      name: 'challenge for another terminal',
      method: 'POST',
      path: () => `${terminals}/${foreignTerminalId}/attestation/challenge`,
      key: () => terminalKey,
      status: 403,
    },
    // POST /v1/terminals/{id}/attestation
    {
      name: 'evidence without a chain',
      method: 'POST',
      path: attestation,
      body: { challengeId: evidence.challengeId },
      key: () => terminalKey,
      status: 400,
    },
    {
      name: 'evidence with a malformed challenge id',
      method: 'POST',
      path: attestation,
      body: { ...evidence, challengeId: 'abc' },
      key: () => terminalKey,
      status: 400,
    },
    {
      name: 'evidence of an unknown format',
      method: 'POST',
      path: attestation,
      body: { ...evidence, format: 'tpm' },
      key: () => terminalKey,
      status: 400,
    },
    {
      name: 'evidence with an unknown field',
      method: 'POST',
      path: attestation,
      body: { ...evidence, trusted: true },
      key: () => terminalKey,
      status: 400,
    },
    {
      name: 'evidence with an absurd chain',
      method: 'POST',
      path: attestation,
      body: { ...evidence, certificateChain: 'A'.repeat(60_001) },
      key: () => terminalKey,
      status: 400,
    },
    {
      name: 'evidence for a challenge never issued',
      method: 'POST',
      path: attestation,
      body: evidence,
      key: () => terminalKey,
      status: 409,
      code: 'attestation_challenge_unknown',
    },
    {
      name: 'evidence by an operator',
      method: 'POST',
      path: attestation,
      body: evidence,
      status: 403,
      code: 'terminal_credential_required',
    },
    // GET /v1/terminals/{id}/attestation
    {
      name: 'attestation of a malformed id',
      method: 'GET',
      path: () => `${terminals}/x/attestation`,
      status: 400,
    },
    {
      name: "attestation of another merchant's terminal",
      method: 'GET',
      path: () => `${terminals}/${foreignTerminalId}/attestation`,
      status: 404,
    },
    // GET and PUT /v1/attestation-policy
    {
      name: 'policy read with a query',
      method: 'GET',
      path: () => `${policy()}?merchantId=mer_other`,
      status: 400,
    },
    { name: 'policy without requireAttestation', method: 'PUT', path: policy, body: {}, status: 400 },
    {
      name: 'policy with requireAttestation as a string',
      method: 'PUT',
      path: policy,
      body: { requireAttestation: 'yes' },
      status: 400,
    },
    {
      name: 'policy with an unknown rule',
      method: 'PUT',
      path: policy,
      body: {
        requireAttestation: true,
        policy: {
          allowedSecurityLevels: ['StrongBox'],
          requireDeviceLocked: true,
          requireVerifiedBoot: true,
          allowRoot: true,
        },
      },
      status: 400,
    },
    {
      name: 'policy allowing no security level',
      method: 'PUT',
      path: policy,
      body: {
        requireAttestation: true,
        policy: { allowedSecurityLevels: [], requireDeviceLocked: true, requireVerifiedBoot: true },
      },
      status: 400,
    },
    {
      name: 'policy with a patch level in month 13',
      method: 'PUT',
      path: policy,
      body: {
        requireAttestation: true,
        policy: {
          allowedSecurityLevels: ['StrongBox'],
          requireDeviceLocked: true,
          requireVerifiedBoot: true,
          minimumOsPatchLevel: 202313,
        },
      },
      status: 400,
      code: 'invalid_attestation_policy',
      param: 'policy',
    },
    {
      name: "policy set by a terminal's own key",
      method: 'PUT',
      path: policy,
      body: { requireAttestation: false },
      key: () => terminalKey,
      status: 403,
    },
    {
      name: 'policy set with a read-only key',
      method: 'PUT',
      path: policy,
      body: { requireAttestation: true },
      key: () => readOnly,
      status: 403,
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}: ${testCase.status}`, async () => {
      const before = (await api.allEvents()).length;
      const response = await api.request(testCase.method, testCase.path(), {
        key: testCase.key ? testCase.key() : operator,
        ...(testCase.body !== undefined ? { body: testCase.body } : {}),
        ...(testCase.rawBody !== undefined ? { rawBody: testCase.rawBody } : {}),
        ...(testCase.headers ? { headers: testCase.headers } : {}),
      });
      assertEnvelope(response, testCase.status, testCase.code);
      if (testCase.param) assert.equal(response.body.error.param, testCase.param);
      assert.equal((await api.allEvents()).length, before, 'an event was appended');
    });
  }
});
