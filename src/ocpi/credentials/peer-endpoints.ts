import type { OcpiEndpoint } from '../../domain/ocpi-party/ocpi-party.events';
import type { OcpiClient } from '../client/ocpi-client';
import { OCPI_VERSIONS, type OcpiVersion } from '../openapi/ocpi-description';
import { noMatchingEndpoints, unsupportedVersion } from '../transport/ocpi-errors';

export interface PeerAccess {
  token: string;
  unencodedToken: boolean;
  correlationId: string;
}

/** Newest first: a handshake settles on the newest version both sides implement. */
const PREFERENCE: readonly OcpiVersion[] = [...OCPI_VERSIONS].reverse();

/**
 * The peer's versions, then the details of the version we settle on (the one asked for, when the peer
 * called a version's credentials endpoint): its endpoints. A peer without a credentials endpoint
 * cannot be unregistered or re-rolled: 3003.
 */
export const fetchPeerEndpoints = async (
  client: OcpiClient,
  versionsUrl: string,
  access: PeerAccess,
  wanted?: OcpiVersion,
): Promise<{ version: OcpiVersion; endpoints: OcpiEndpoint[] }> => {
  const common = {
    token: access.token,
    unencodedToken: access.unencodedToken,
    correlationId: access.correlationId,
  };
  const versions = await client.call<{ version: string; url: string }[]>({
    ...common,
    method: 'GET',
    url: versionsUrl,
    described: { version: wanted ?? '2.2.1', file: 'versions/interface', path: '/versions' },
  });
  const offered = versions.envelope.data ?? [];
  const candidates = wanted ? [wanted] : PREFERENCE;
  const version = candidates.find((candidate) => offered.some((entry) => entry.version === candidate));
  const details = offered.find((entry) => entry.version === version);
  if (!version || !details) {
    throw unsupportedVersion(
      `the peer offers ${offered.map((entry) => entry.version).join(', ') || 'no version'}, not ${candidates.join(' or ')}`,
    );
  }
  const answer = await client.call<{ version: string; endpoints: OcpiEndpoint[] }>({
    ...common,
    method: 'GET',
    url: details.url,
    described: { version, file: 'versions/interface', path: `/versions/${version}` },
  });
  const endpoints = answer.envelope.data?.endpoints ?? [];
  if (!endpoints.some((endpoint) => endpoint.identifier === 'credentials')) {
    throw noMatchingEndpoints(`the peer's ${version} has no credentials endpoint`);
  }
  return { version, endpoints: endpoints.map(({ identifier, role, url }) => ({ identifier, role, url })) };
};

export const credentialsEndpointOf = (endpoints: readonly OcpiEndpoint[]): string => {
  const endpoint = endpoints.find((candidate) => candidate.identifier === 'credentials');
  if (!endpoint) throw noMatchingEndpoints('the peer has no credentials endpoint');
  return endpoint.url;
};
