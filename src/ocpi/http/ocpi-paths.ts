import { OCPI_VERSIONS, type InterfaceFile, type OcpiVersion } from '../openapi/ocpi-description';

export const OCPI_MOUNT = '/ocpi';

/** Where a request lands in the description: which version's interface file, and the path within it. */
export interface DescribedPath {
  version: OcpiVersion;
  file: InterfaceFile;
  path: string;
  /** Versions and credentials take a registration token; functional modules only a registered party's. */
  configuration: boolean;
}

const isVersion = (value: string | undefined): value is OcpiVersion =>
  OCPI_VERSIONS.includes(value as OcpiVersion);

/**
 * Our URL layout: `/ocpi/versions`, `/ocpi/versions/{version}`, `/ocpi/{version}/credentials` and
 * `/ocpi/{version}/{sender|receiver}/{module}/...`, so the role is in the URL and one token may reach
 * both interfaces of a module.
 */
export const describePath = (pathname: string): DescribedPath | undefined => {
  if (!pathname.startsWith(`${OCPI_MOUNT}/`)) return undefined;
  const segments = pathname
    .slice(OCPI_MOUNT.length + 1)
    .replace(/\/$/, '')
    .split('/');
  const [first, second, third] = segments;
  if (first === 'versions') {
    if (segments.length === 1)
      return { version: '2.2.1', file: 'versions/interface', path: '/versions', configuration: true };
    if (segments.length === 2 && isVersion(second))
      return {
        version: second,
        file: 'versions/interface',
        path: `/versions/${second}`,
        configuration: true,
      };
    return undefined;
  }
  if (!isVersion(first)) return undefined;
  if (second === 'credentials' && segments.length === 2)
    return { version: first, file: 'credentials/interface', path: '/credentials', configuration: true };
  if ((second === 'sender' || second === 'receiver') && third) {
    return {
      version: first,
      file: `${third}/${second}-interface`,
      path: `/${segments.slice(2).join('/')}`,
      configuration: false,
    };
  }
  return undefined;
};

export const versionsPath = () => `${OCPI_MOUNT}/versions`;
export const versionDetailsPath = (version: OcpiVersion) => `${OCPI_MOUNT}/versions/${version}`;
export const credentialsPath = (version: OcpiVersion) => `${OCPI_MOUNT}/${version}/credentials`;
export const modulePath = (version: OcpiVersion, role: 'sender' | 'receiver', module: string) =>
  `${OCPI_MOUNT}/${version}/${role}/${module}`;
