/** tRPC clients for the demo, with a fetch that keeps each response's cache headers. */
import { createTRPCClient, httpBatchStreamLink, httpLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from './router.js';

/** The routecache headers of one HTTP response (`-` when absent). */
export interface SeenHeaders {
  status: number;
  xCache: string;
  vary: string;
}

/**
 * A client sending fixed request headers (`authorization`, `accept-language`…), one HTTP
 * request per call, and the headers of every response it got, in order.
 *
 * @example
 * ```ts
 * const alice = clientFor(url, { authorization: 'Bearer alice-token' });
 * await alice.client.users.me.query();
 * alice.seen.at(-1)?.xCache; // 'MISS'
 * ```
 */
export function clientFor(url: string, headers: Record<string, string> = {}) {
  const seen: SeenHeaders[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        transformer: superjson,
        headers,
        fetch: async (input, init) => {
          const response = await fetch(input, init as RequestInit);
          seen.push({
            status: response.status,
            xCache: response.headers.get('x-cache') ?? '-',
            vary: response.headers.get('vary') ?? '-',
          });
          return response;
        },
      }),
    ],
  });
  /** The `X-Cache` of the last response. */
  const status = () => seen.at(-1)?.xCache ?? '-';
  return { client, seen, status };
}

/**
 * A client on `httpBatchStreamLink`, for streamed (async generator) queries.
 *
 * @example
 * ```ts
 * for await (const post of await streamClient(url).posts.feed.query()) console.log(post.id);
 * ```
 */
export function streamClient(url: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchStreamLink({ url, transformer: superjson })],
  });
}
