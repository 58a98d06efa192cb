import { OMITTED_304_HEADERS } from '../http/index.js';
import { answerResponse } from './fold.js';
import { applyHttpGlue, type HttpCacheOptions, resolveHttpCacheOptions } from './http-options.js';
import { type HeaderReader, type RequestCacheState, requestStateFor } from './request-state.js';

/**
 * Wrap a Fetch-API handler (one calling tRPC's `fetchRequestHandler`, say) so its responses carry
 * routecache's HTTP caching headers: `X-Cache`, `ETag`, `Vary`, `Cache-Control`, and a
 * `304 Not Modified` with an empty body for a GET whose `If-None-Match` matches. The 304 keeps
 * every header of the response it stands for (a cookie a middleware refreshed included) except
 * those describing the body it omits (`OMITTED_304_HEADERS`). Responses also carry the headers
 * routecache's client links read: `Routecache-Tags` on queries with cached calls,
 * `Routecache-Invalidate` on mutations whose `invalidates` declaration ran.
 *
 * Pair it with the adapter's context step (tRPC: `withCacheContext` on `createContext`), which is how the cache middleware
 * reports each call. The 304 is decided on the finished response, so every middleware before
 * the cache (auth, rate limits) has run: a rejected call is never cached, never tagged, never
 * answered with a 304. Streamed (jsonl) responses are passed through untouched: their headers
 * go out before the calls finish.
 *
 * A handler argument with a `waitUntil` method (the `ctx` of a Cloudflare Workers fetch
 * handler, `(req, env, ctx)`) receives each stale-while-revalidate refresh the request starts,
 * so the refresh outlives the response (see `LoadRequest.waitUntil` in `@routecache/core`).
 *
 * tRPC's `responseMeta` cannot send a 304 (its `Response` would get a body), which is why this
 * wraps the handler instead.
 *
 * Behind a CDN, `options.cdn` (`'fastly'`, `'cloudflare'`, `'varnish'`) adds the surrogate keys
 * of shared-cacheable responses in the header that CDN reads; pair it with the cache's
 * `purger` (`@routecache/core/cdn`). `Cache-Status`, `CDN-Cache-Control` and
 * `Surrogate-Control` are sent either way (see the README, "Behind a CDN").
 *
 * `options.vary` adds header names to the `Vary` of every cached response and its 304, for a
 * layer after the handler that varies the 200 only (Next.js's compression adds `Accept-Encoding`
 * to a JSON 200, not to the 304).
 *
 * @throws {InvalidOptionError} for an unknown option or `cdn`, or a `vary` that is not a list of
 *   header names (or holds `*`).
 * @example
 * ```ts
 * const handler = withHttpCache((req: Request) =>
 *   fetchRequestHandler({ endpoint: '/trpc', req, router, createContext: withCacheContext(createContext) }),
 * );
 * export default { fetch: handler }; // Workers: fetch(req, env, ctx) — ctx.waitUntil is used
 * // behind Varnish with vmod xkey: withHttpCache(fetchHandler, { cdn: 'varnish' })
 * // Next.js route handler: export const GET = withHttpCache(trpcHandler, { vary: ['accept-encoding'] });
 * ```
 */
export function withHttpCache<TArgs extends unknown[]>(
  handler: (req: Request, ...rest: TArgs) => Promise<Response>,
  options?: HttpCacheOptions,
): (req: Request, ...rest: TArgs) => Promise<Response> {
  const glue = resolveHttpCacheOptions(options);
  return async function cachedFetchHandler(req, ...rest) {
    const state = requestStateFor(req);
    applyHttpGlue(state, glue);
    state.waitUntil = hostWaitUntil(rest);
    return cachedResponse(state, req.method, req.headers, await handler(req, ...rest));
  };
}

/**
 * `response`, a response to a `method` request with `requestHeaders`, with the cache
 * headers `state` folds to — or an empty `304` when the request's `If-None-Match` matches. A
 * streamed response, or one no cache middleware saw, is returned as is. `headers` is what the
 * fold reads the response's own headers from (default: `response.headers`); a host that merges
 * headers of its own into the response (Fastify's reply) passes that merged view.
 *
 * @internal
 * @example
 * ```ts
 * return cachedResponse(requestStateFor(req), req.method, req.headers, await handler(req));
 * ```
 */
export async function cachedResponse(
  state: RequestCacheState,
  method: string | undefined,
  requestHeaders: HeaderReader,
  response: Response,
  headers: HeaderReader = response.headers,
): Promise<Response> {
  const answer = answerResponse(
    state,
    method,
    response.status,
    requestHeaders.get('if-none-match'),
    headers,
  );
  if (answer === undefined) return response;

  const sent = new Headers(response.headers);
  for (const [name, value] of Object.entries(answer.headers)) sent.set(name, value);
  if (answer.notModified) {
    // The body is already serialized; drop it so its stream is released.
    await response.body?.cancel();
    for (const name of OMITTED_304_HEADERS) sent.delete(name);
    return new Response(null, { status: 304, headers: sent });
  }
  // A fetched Response's headers are immutable, so build a new one around the same body.
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: sent,
  });
}

/** The `waitUntil` of the first handler argument that has one (a Workers `ExecutionContext`). */
function hostWaitUntil(
  args: readonly unknown[],
): ((promise: Promise<unknown>) => void) | undefined {
  for (const arg of args) {
    const host = arg as { waitUntil?: unknown } | null;
    if (typeof host === 'object' && host !== null && typeof host.waitUntil === 'function') {
      const waitUntil = host.waitUntil as (promise: Promise<unknown>) => void;
      return (promise) => waitUntil.call(host, promise);
    }
  }
  return undefined;
}
