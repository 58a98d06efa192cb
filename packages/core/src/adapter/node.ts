import type { IncomingMessage, ServerResponse } from 'node:http';
import { mergeVary, OMITTED_304_HEADERS } from '../http/index.js';
import { answerResponse } from './fold.js';
import { applyHttpGlue, type HttpCacheOptions, resolveHttpCacheOptions } from './http-options.js';
import {
  type HeaderReader,
  headerReader,
  nodeResponseHeaders,
  requestStateFor,
} from './request-state.js';

/**
 * Wrap a Node.js request handler — `createHTTPHandler` of `@trpc/server/adapters/standalone`,
 * `createExpressMiddleware` of `@trpc/server/adapters/express`, or any `(req, res, …)` handler
 * whose calls the adapter's context step records — so its responses carry routecache's HTTP caching headers
 * (`X-Cache`, `ETag`, `Vary`, `Cache-Control`; `Routecache-Tags` / `Routecache-Invalidate` for
 * routecache's client links) and a GET whose `If-None-Match` matches gets
 * `304 Not Modified` with an empty body, keeping every header set on `res` (a cookie a
 * middleware refreshed included) except those describing the omitted body.
 *
 * Pair it with the adapter's context step (tRPC: `withCacheContext` on `createContext`). The headers are decided when the response
 * head is written, which for a JSON response is after every call finished. Streamed responses
 * (`state.streamed`: tRPC's jsonl) get no cache headers. A `Vary` a resolver or middleware set on `res` is kept: tRPC's
 * node-http adapter sets its own `Vary` with `res.setHeader` after the calls ran, so on this
 * response setting `Vary` merges with the value already there (as the fetch adapter does)
 * instead of replacing it. Node-only (tRPC apps import it from `@routecache/trpc/node`). `options.cdn` adds
 * surrogate keys for the CDN in front, as for `withHttpCache`.
 *
 * @throws {InvalidOptionError} when `options` is invalid (an unknown `cdn`).
 * @example
 * ```ts
 * import { createHTTPHandler } from '@trpc/server/adapters/standalone';
 * import { withCacheContext } from '@routecache/trpc';
 * import { withNodeHttpCache } from '@routecache/trpc/node';
 *
 * const handler = createHTTPHandler({ router, createContext: withCacheContext(createContext) });
 * http.createServer(withNodeHttpCache(handler)).listen(3000);
 * // behind Fastly: withNodeHttpCache(handler, { cdn: 'fastly' }) sends Surrogate-Key
 * // Express: app.use('/trpc', withNodeHttpCache(createExpressMiddleware({ router, createContext: … })));
 * ```
 */
export function withNodeHttpCache<
  TReq extends IncomingMessage,
  TRes extends ServerResponse,
  TRest extends unknown[],
  TReturn,
>(
  handler: (req: TReq, res: TRes, ...rest: TRest) => TReturn,
  options?: HttpCacheOptions,
): (req: TReq, res: TRes, ...rest: TRest) => TReturn {
  const glue = resolveHttpCacheOptions(options);
  return function cachedNodeHandler(req, res, ...rest) {
    applyHttpGlue(requestStateFor(req), glue);
    mergeVaryOnSet(res);
    interceptHead(req, res);
    return handler(req, res, ...rest);
  };
}

/**
 * Make `res.setHeader('vary', …)` merge with the `Vary` already set (lower-cased,
 * de-duplicated, `*` absorbing the rest): tRPC's own `Vary` would otherwise replace one a
 * resolver set — and with it a `Vary: *` that tells caches not to reuse the response.
 */
function mergeVaryOnSet(res: ServerResponse): void {
  const setHeader = res.setHeader;
  const merging = function (this: ServerResponse, ...args: Parameters<typeof setHeader>) {
    const [name, value] = args;
    if (name.toLowerCase() !== 'vary' || !res.hasHeader('vary')) return setHeader.apply(this, args);
    const added = Array.isArray(value) ? value : [String(value)];
    const merged = mergeVary(nodeResponseHeaders(res)?.get('vary'), added);
    return setHeader.call(this, name, merged ?? added.join(', '));
  };
  res.setHeader = merging as typeof setHeader;
}

/**
 * Hook the moment the response head is written. Node sends an implicit head through
 * `res.writeHead(res.statusCode)` on the first `write()`/`end()`, so overriding `writeHead` on
 * the instance sees every path.
 */
function interceptHead(req: IncomingMessage, res: ServerResponse): void {
  const writeHead = res.writeHead;
  const intercepted = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    res.writeHead = writeHead;
    const [status] = args;
    if (status !== 304 && applyCacheHeaders(req, res, status) === 'not-modified') {
      // A 304 has no body (RFC 9110 §15.4.5). tRPC still writes the one it serialized: drop it
      // here rather than rely on Node, whose newer releases throw on a body for a 304.
      res.write = dropBody as typeof res.write;
      return writeHead.call(this, 304);
    }
    return writeHead.apply(this, args);
  };
  res.writeHead = intercepted as typeof writeHead;
}

function applyCacheHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
): 'not-modified' | 'ok' {
  const requestHeaders: HeaderReader = headerReader(req.headers) ?? NO_HEADERS;
  const answer = answerResponse(
    requestStateFor(req),
    req.method,
    status,
    requestHeaders.get('if-none-match'),
    nodeResponseHeaders(res) ?? NO_HEADERS,
  );
  if (answer === undefined) return 'ok';
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (!answer.notModified) return 'ok';
  for (const name of OMITTED_304_HEADERS) res.removeHeader(name);
  return 'not-modified';
}

const NO_HEADERS: HeaderReader = { get: () => null };

function dropBody(): boolean {
  return true;
}
