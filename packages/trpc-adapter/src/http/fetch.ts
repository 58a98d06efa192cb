import { OMITTED_304_HEADERS } from '@routecache/core/adapter';
import { requestStateFor } from '../request-state.js';
import { foldCacheHeaders, foldWireHeaders, isNotModified, isStreamedRequest } from './fold.js';

/**
 * Wrap a Fetch-API handler (one calling tRPC's `fetchRequestHandler`) so its responses carry
 * routecache's HTTP caching headers: `X-Cache`, `ETag`, `Vary`, `Cache-Control`, and a
 * `304 Not Modified` with an empty body for a GET whose `If-None-Match` matches. The 304 keeps
 * every header of the response it stands for (a cookie a middleware refreshed included) except
 * those describing the body it omits (`OMITTED_304_HEADERS`). Responses also carry the headers
 * routecache's client links read: `Routecache-Tags` on queries with cached calls,
 * `Routecache-Invalidate` on mutations whose `invalidates` declaration ran.
 *
 * Pair it with {@link withCacheContext} on `createContext`, which is how the cache middleware
 * reports each call. The 304 is decided on the finished response, so every middleware before
 * the cache (auth, rate limits) has run: a rejected call is never cached, never tagged, never
 * answered with a 304. Streamed (jsonl) responses are passed through untouched: their headers
 * go out before the calls finish.
 *
 * tRPC's `responseMeta` cannot send a 304 (its `Response` would get a body), which is why this
 * wraps the handler instead.
 *
 * @example
 * ```ts
 * const handler = withHttpCache((req: Request) =>
 *   fetchRequestHandler({ endpoint: '/trpc', req, router, createContext: withCacheContext(createContext) }),
 * );
 * export default { fetch: handler };
 * ```
 */
export function withHttpCache<TArgs extends unknown[]>(
  handler: (req: Request, ...rest: TArgs) => Promise<Response>,
): (req: Request, ...rest: TArgs) => Promise<Response> {
  return async function cachedFetchHandler(req, ...rest) {
    const state = requestStateFor(req);
    const response = await handler(req, ...rest);
    if (isStreamedRequest(req.headers)) return response;
    const cacheHeaders = foldCacheHeaders(state, response.headers);
    const wireHeaders = foldWireHeaders(state);
    if (cacheHeaders === undefined && wireHeaders === undefined) return response;

    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries({ ...cacheHeaders, ...wireHeaders })) {
      headers.set(name, value);
    }
    if (
      cacheHeaders !== undefined &&
      isNotModified(
        req.method,
        response.status,
        req.headers.get('if-none-match'),
        cacheHeaders.etag,
      )
    ) {
      // The body is already serialized; drop it so its stream is released.
      await response.body?.cancel();
      for (const name of OMITTED_304_HEADERS) headers.delete(name);
      return new Response(null, { status: 304, headers });
    }
    // A fetched Response's headers are immutable, so build a new one around the same body.
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
