import type { Filter } from '../../infrastructure/read-store/read-store';
import type { TerminalAttestationDocument } from '../../projections/terminals/terminal-attestation.document';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { ApiError } from '../errors/api-error';
import { newestFirstAfter } from '../pagination';
import { toResource } from '../resource';

export const terminalNotFound = (id: string) =>
  new ApiError(404, 'not_found_error', 'terminal_not_found', `no terminal ${id}`);

export const credentialView = (terminal: TerminalDocument, apiKey: string) => ({
  object: 'terminal_credential' as const,
  id: terminal.credentialId,
  terminalId: terminal.id,
  apiKey,
});

export type AttestationStatus = 'none' | 'trusted' | 'untrusted' | 'expired';

/** The attestation as of `now`: a trusted verdict past its time shows as expired, a stale challenge not at all. */
export const attestationView = (
  terminal: { id: string; merchantId: string },
  doc: TerminalAttestationDocument | null,
  now: Date,
) => {
  const verdict = doc?.verdict ?? null;
  const expiresAt = verdict?.expiresAt ?? null;
  const expired = expiresAt !== null && now.getTime() >= Date.parse(expiresAt);
  const status: AttestationStatus =
    verdict === null
      ? 'none'
      : verdict.outcome === 'untrusted'
        ? 'untrusted'
        : expired
          ? 'expired'
          : 'trusted';
  const pending = doc?.pendingChallenge ?? null;
  return {
    object: 'terminal_attestation' as const,
    terminalId: terminal.id,
    merchantId: terminal.merchantId,
    status,
    trusted: status === 'trusted',
    verdict,
    pendingChallenge: pending && now.getTime() < Date.parse(pending.expiresAt) ? pending : null,
    updatedAt: doc?.updatedAt ?? null,
    version: doc?.version ?? 0,
  };
};

export const terminalView = (doc: TerminalDocument) => toResource(doc);

export interface TerminalListQuery {
  limit?: number;
  cursor?: string;
  stationId?: string;
  status?: string;
  model?: string;
  firmwareVersion?: string;
  connectivity?: string;
  healthStatus?: string;
  lastSeenBefore?: string;
  lastSeenAfter?: string;
}

/** The read-model filter for a list query, always within the caller's merchant (and terminal). */
export const terminalListFilter = (
  scope: { merchantId: string; terminalId?: string },
  query: TerminalListQuery,
): Filter => {
  const clauses: Filter[] = [{ merchantId: scope.merchantId }];
  if (scope.terminalId) clauses.push({ _id: scope.terminalId });
  if (query.stationId) clauses.push({ stationId: query.stationId });
  if (query.status) clauses.push({ status: query.status });
  if (query.model) clauses.push({ model: query.model });
  if (query.firmwareVersion) clauses.push({ firmwareVersion: query.firmwareVersion });
  if (query.connectivity) clauses.push({ connectivity: query.connectivity });
  if (query.healthStatus) clauses.push({ 'health.status': query.healthStatus });
  if (query.lastSeenBefore)
    clauses.push({ lastSeenAt: { $lt: new Date(query.lastSeenBefore).toISOString() } });
  if (query.lastSeenAfter)
    clauses.push({ lastSeenAt: { $gte: new Date(query.lastSeenAfter).toISOString() } });
  if (query.cursor) clauses.push(newestFirstAfter(query.cursor));
  return clauses.length === 1 ? (clauses[0] as Filter) : { $and: clauses };
};
