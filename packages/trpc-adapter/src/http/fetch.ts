import {
  mergeVary,
  normalizeVaryOption,
  OMITTED_304_HEADERS,
  optionKeys,
  optionsObject,
} from '@routecache/core/adapter';
import { requestStateFor } from '../request-state.js';
import { foldCacheHeaders, isNotModified, isStreamedRequest } from './fold.js';

/**
 * Wrap a Fetch-API handler (one calling tRPC's `fetchRequestHandler`) so its responses carry
 * routecache's HTTP caching headers: `X-Cache`, `ETag`, `Vary`, `Cache-Control`, and a
 * `304 Not Modified` with an empty body for a GET whose `If-None-Match` matches. The 304 keeps
 * every header of the response it stands for (a cookie a middleware refreshed included) except
 * those describing the body it omits (`OMITTED_304_HEADERS`).
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
 * @throws {InvalidOptionError} for an unknown option or a `vary` that is not a list of header
 *   names (or holds `*`).
 * @example
 * ```ts
 * const handler = withHttpCache((req: Request) =>
 *   fetchRequestHandler({ endpoint: '/trpc', req, router, createContext: withCacheContext(createContext) }),
 * );
 * export default { fetch: handler };
 *
 * // Next.js route handler: Next's compression adds `Accept-Encoding` to a 200's Vary, not a 304's.
 * export const GET = withHttpCache(trpcHandler, { vary: ['accept-encoding'] });
 * ```
 */
export function withHttpCache<TArgs extends unknown[]>(
  handler: (req: Request, ...rest: TArgs) => Promise<Response>,
  options: HttpCacheOptions = {},
): (req: Request, ...rest: TArgs) => Promise<Response> {
  optionsObject(options, HTTP_CACHE_OPTIONS);
  const extraVary = normalizeVaryOption(options.vary ?? [], 'vary');
  return async function cachedFetchHandler(req, ...rest) {
    const state = requestStateFor(req);
    const response = await handler(req, ...rest);
    if (isStreamedRequest(req.headers)) return response;
    const cacheHeaders = foldCacheHeaders(state, response.headers);
    if (cacheHeaders === undefined) return response;

    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(cacheHeaders)) headers.set(name, value);
    const vary = mergeVary(cacheHeaders.vary, extraVary);
    if (vary !== undefined) headers.set('vary', vary);
    if (
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

/**
 * Options of {@link withHttpCache}.
 *
 * @example
 * ```ts
 * const options: HttpCacheOptions = { vary: ['accept-encoding'] };
 * ```
 */
export interface HttpCacheOptions {
  /**
   * Request headers every cached response of this handler varies on besides tRPC's and the
   * routes' own `vary`: added to the `Vary` of each response that gets cache headers, its 304
   * included. For a header that a layer after the handler adds to a 200 but not to the 304 it
   * stands for — Next.js's response compression adds `Accept-Encoding` to a JSON 200 only — so
   * the 304 repeats the 200's `Vary`, as RFC 9110 §15.4.5 requires. The request headers are not
   * part of the cache key (unlike a route's `vary`): the layer's output varies, not the entry.
   * @default []
   */
  vary?: readonly string[];
}

const HTTP_CACHE_OPTIONS = optionKeys<HttpCacheOptions>({ vary: true });
