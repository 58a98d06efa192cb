/**
 * The real `@trpc/client` over `httpLink` / `httpBatchLink`, keeping the status and headers of
 * every HTTP response it receives, so tests can assert on cache headers of client calls.
 */
import { createTRPCClient, httpBatchLink, httpLink, type TRPCClient } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';

/** What the client saw of one HTTP response. */
export interface SeenResponse {
  readonly status: number;
  readonly headers: Headers;
}

/** A client and the responses it received, in order. */
export interface RecordingClient<TRouter extends AnyTRPCRouter> {
  readonly client: TRPCClient<TRouter>;
  readonly responses: SeenResponse[];
  /** The last response received; throws when there is none. */
  last(): SeenResponse;
}

/**
 * A tRPC client for `url` that records each response.
 *
 * @example
 * ```ts
 * const { client, last } = recordingClient<AppRouter>(server.url, { headers: { 'x-user': 'ada' } });
 * await client.post.get.query({ id: '1' });
 * last().headers.get('x-cache'); // 'MISS'
 * ```
 */
export function recordingClient<TRouter extends AnyTRPCRouter>(
  url: string,
  options: { batch?: boolean; headers?: Record<string, string> } = {},
): RecordingClient<TRouter> {
  const responses: SeenResponse[] = [];
  const link = (options.batch === true ? httpBatchLink : httpLink)({
    url,
    headers: options.headers ?? {},
    fetch: async (input, init) => {
      const response = await fetch(input as Parameters<typeof fetch>[0], init as RequestInit);
      responses.push({ status: response.status, headers: response.headers });
      return response;
    },
  });
  return {
    client: createTRPCClient<TRouter>({ links: [link] }),
    responses,
    last() {
      const response = responses.at(-1);
      if (response === undefined) throw new Error('no response yet');
      return response;
    },
  };
}
