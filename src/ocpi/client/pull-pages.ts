import { OcpiPeerError } from '../transport/ocpi-errors';
import { nextLinkOf } from '../transport/paging';
import type { OcpiCall, OcpiClient } from './ocpi-client';

const MAX_PAGES = 1000;

/**
 * A sender interface's whole list, page after page by its `Link` headers. A next page must stay on the
 * endpoint we asked (same origin and path): a Link elsewhere is refused, never followed with our token.
 */
export const pullPages = async <T>(
  client: OcpiClient,
  call: Omit<OcpiCall, 'method' | 'body'>,
): Promise<T[]> => {
  const first = new URL(call.url);
  const items: T[] = [];
  let url: string | undefined = call.url;
  for (let page = 0; url !== undefined; page += 1) {
    if (page === MAX_PAGES) throw new OcpiPeerError(call.url, 200, 1000, `more than ${MAX_PAGES} pages`);
    const reply: Awaited<ReturnType<typeof client.call<T[]>>> = await client.call<T[]>({
      ...call,
      method: 'GET',
      url,
    });
    items.push(...(reply.envelope.data ?? []));
    url = nextLinkOf(reply.headers.get('link'));
    if (url !== undefined) {
      const next = new URL(url);
      if (
        next.origin !== first.origin ||
        next.pathname.replace(/\/$/, '') !== first.pathname.replace(/\/$/, '')
      ) {
        throw new OcpiPeerError(call.url, 200, 1000, 'the next page Link leaves the endpoint');
      }
    }
  }
  return items;
};
