import { promises as dns } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface UrlPolicy {
  /** Outside development only https is accepted. */
  requireHttps: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: loopback and private addresses allowed (local receivers in development). */
  allowPrivateAddresses: boolean;
}

export type UrlRefusalCode =
  'webhook_url_invalid' | 'webhook_url_insecure' | 'webhook_url_refused' | 'webhook_url_unresolvable';

export class UrlRefusedError extends Error {
  override readonly name = 'UrlRefusedError';
  constructor(
    readonly code: UrlRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * Addresses a webhook must never reach: loopback, private, carrier-grade NAT, link-local (169.254.169.254
 * and the other cloud metadata services live there or in fd00::/8), multicast, reserved and documentation
 * ranges. IPv4-mapped IPv6 addresses are checked against the IPv4 rules by BlockList itself.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

export const isBlockedAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** The checks that need no network: a URL, http(s), https outside development, no credentials. */
export const checkUrlSyntax = (raw: string, policy: UrlPolicy): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefusedError('webhook_url_invalid', 'the url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UrlRefusedError('webhook_url_invalid', 'the url must use https');
  }
  if (url.protocol === 'http:' && policy.requireHttps) {
    throw new UrlRefusedError('webhook_url_insecure', 'the url must use https');
  }
  if (url.username || url.password) {
    throw new UrlRefusedError('webhook_url_invalid', 'the url must not carry credentials');
  }
  if (!hostOf(url)) throw new UrlRefusedError('webhook_url_invalid', 'the url has no host');
  return url;
};

const refuseAddresses = (host: string, addresses: readonly ResolvedAddress[]): void => {
  if (addresses.length === 0) {
    throw new UrlRefusedError('webhook_url_unresolvable', `${host} does not resolve`);
  }
  // Any private address refuses the name: the connection could pick that one.
  if (addresses.some((entry) => isBlockedAddress(entry.address))) {
    throw new UrlRefusedError(
      'webhook_url_refused',
      `${host} resolves to a loopback, private, link-local or reserved address`,
    );
  }
};

/** Syntax, then where the host resolves to now. Checked at creation and again at each delivery. */
export const checkUrl = async (raw: string, policy: UrlPolicy, resolve: Resolver): Promise<URL> => {
  const url = checkUrlSyntax(raw, policy);
  if (policy.allowPrivateAddresses) return url;
  const host = hostOf(url);
  if (isIP(host)) {
    refuseAddresses(host, [{ address: host, family: isIP(host) }]);
    return url;
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    throw new UrlRefusedError('webhook_url_unresolvable', `${host} does not resolve`);
  }
  refuseAddresses(host, addresses);
  return url;
};

/**
 * A `lookup` for http.request that refuses private addresses at connection time, so the address checked
 * is the address connected to: a name whose DNS changed after the check (rebinding) cannot slip through.
 */
export const guardedLookup =
  (resolve: Resolver): LookupFunction =>
  (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        try {
          refuseAddresses(hostname, addresses);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '', 0);
          return;
        }
        const usable = options.family
          ? addresses.filter((entry) => entry.family === options.family)
          : addresses;
        const first = usable[0];
        if (!first) {
          callback(
            new UrlRefusedError('webhook_url_unresolvable', `${hostname} has no usable address`),
            '',
            0,
          );
          return;
        }
        if (options.all)
          callback(
            null,
            usable.map(({ address, family }) => ({ address, family })),
          );
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
