/**
 * `createCachedHTTPServer` (tRPC's standalone server with routecache's glue) on a free loopback
 * port for the enclosing `describe`, and a fetch for tRPC links that records `X-Cache`.
 */
import { createCachedHTTPServer } from '@routecache/trpc/node';
import type { httpLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import type { CreateHTTPHandlerOptions } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll } from 'vitest';
import { listenServer } from './trpc-server.js';

/** The `fetch` option of tRPC's HTTP links. */
type LinkFetch = NonNullable<Parameters<typeof httpLink>[0]['fetch']>;

/**
 * Serve `options` (basePath `/trpc/`) before the enclosing `describe`'s tests, close it after.
 * Read `url` inside tests (it is set in `beforeAll`).
 *
 * @example
 * ```ts
 * const server = useCachedHttpServer({ router });
 * it('answers', async () => expect((await fetch(`${server.url}/ping`)).ok).toBe(true));
 * ```
 */
export function useCachedHttpServer<TRouter extends AnyTRPCRouter>(
  options: Omit<CreateHTTPHandlerOptions<TRouter>, 'basePath'>,
): { readonly url: string } {
  const server = createCachedHTTPServer({
    ...options,
    basePath: '/trpc/',
  } as CreateHTTPHandlerOptions<TRouter>);
  const live = { url: '' };
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ url: live.url, close } = await listenServer(server));
  });
  afterAll(() => close());
  return live;
}

/**
 * A `fetch` for a tRPC link that pushes each response's `X-Cache` header (or null) to `into`.
 *
 * @example
 * ```ts
 * const xCache: (string | null)[] = [];
 * httpLink({ url, fetch: recordingXCache(xCache) });
 * ```
 */
export function recordingXCache(into: (string | null)[]): LinkFetch {
  return async (input, init) => {
    // tRPC's init is a subset of RequestInit, typed with optional fields as `undefined`.
    const response = await fetch(input, init as RequestInit);
    into.push(response.headers.get('x-cache'));
    return response;
  };
}
