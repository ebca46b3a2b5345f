import type { OcpiVersion } from './openapi/ocpi-description';
import { OCPI_VERSIONS } from './openapi/ocpi-description';
import { credentialsPath, modulePath, versionDetailsPath, versionsPath } from './http/ocpi-paths';

/**
 * Who we are to OCPI peers. The 2.3.0 description's Role enum has no PTP (the Payments module's text
 * does), so we present ourselves as EMSP: the interfaces a PTP implements (Locations, Tariffs, Sessions,
 * CDRs receivers; Commands sender) are the eMSP's (docs/decisions/0032-ocpi-parties-and-credentials.md).
 */
export interface OurPlatform {
  countryCode: string;
  partyId: string;
  businessName: string;
  /** The public base URL the peer reaches us at (OCPI_PUBLIC_URL, or where the API listens). */
  baseUrl: () => string;
}

export const OUR_ROLE = 'EMSP';

export const ourCredentials = (us: OurPlatform, token: string) => ({
  token,
  url: `${us.baseUrl()}${versionsPath()}`,
  roles: [
    {
      role: OUR_ROLE,
      business_details: { name: us.businessName },
      party_id: us.partyId,
      country_code: us.countryCode,
    },
  ],
});

export const ourVersions = (us: OurPlatform) =>
  OCPI_VERSIONS.map((version) => ({ version, url: `${us.baseUrl()}${versionDetailsPath(version)}` }));

/** The endpoints we implement in a version: each module we add lists itself here. */
export const ourEndpoints = (us: OurPlatform, version: OcpiVersion) => [
  { identifier: 'credentials', role: 'SENDER', url: `${us.baseUrl()}${credentialsPath(version)}` },
  { identifier: 'credentials', role: 'RECEIVER', url: `${us.baseUrl()}${credentialsPath(version)}` },
  {
    identifier: 'locations',
    role: 'RECEIVER',
    url: `${us.baseUrl()}${modulePath(version, 'receiver', 'locations')}`,
  },
  {
    identifier: 'tariffs',
    role: 'RECEIVER',
    url: `${us.baseUrl()}${modulePath(version, 'receiver', 'tariffs')}`,
  },
  { identifier: 'cdrs', role: 'RECEIVER', url: `${us.baseUrl()}${modulePath(version, 'receiver', 'cdrs')}` },
  ...(version === '2.3.0'
    ? [
        {
          identifier: 'payments',
          role: 'SENDER',
          url: `${us.baseUrl()}${modulePath(version, 'sender', 'payments')}`,
        },
      ]
    : []),
  {
    identifier: 'sessions',
    role: 'RECEIVER',
    url: `${us.baseUrl()}${modulePath(version, 'receiver', 'sessions')}`,
  },
  {
    identifier: 'commands',
    role: 'SENDER',
    url: `${us.baseUrl()}${modulePath(version, 'sender', 'commands')}`,
  },
];
