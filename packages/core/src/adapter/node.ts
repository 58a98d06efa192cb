// `@routecache/core/node`: the HTTP glue for `node:http` servers. It is an entry of its own, not
// part of `@routecache/core/adapter`, because `CachedServerResponse` extends `node:http`'s
// `ServerResponse` at run time, and the adapter contract must load on edge runtimes (workerd).
import {
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';
import { mergeVary, OMITTED_304_HEADERS } from '../http/index.js';
import { answerResponse } from './fold.js';
import { applyHttpGlue, type HttpCacheOptions, resolveHttpCacheOptions } from './http-options.js';
import {
  existingRequestState,
  type HeaderReader,
  nodeResponseHeaders,
  type RequestCacheState,
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
    // A CachedServerResponse has both hooks as methods already.
    if (!(res instanceof CachedServerResponse)) {
      mergeVaryOnSet(res);
      interceptHead(req, res);
    }
    return handler(req, res, ...rest);
  };
}

/**
 * The `ServerResponse` class for a `node:http` server whose handler `withNodeHttpCache` wraps
 * (`createServer({ ServerResponse: CachedServerResponse }, handler)`; `createCachedHTTPServer`
 * of `@routecache/trpc/node` does it): the glue's hooks — `Vary` merging on `setHeader`, the
 * cache headers and the 304 on `writeHead` — are its methods, so a response needs no hooks of
 * its own (two closures and three own properties each, which also gave every response a second
 * hidden class). `withNodeHttpCache` leaves a response of this class as it is; without the
 * wrapper it behaves as a plain `ServerResponse`, but for the `Vary` merging.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 *
 * createServer({ ServerResponse: CachedServerResponse }, withNodeHttpCache(handler)).listen(3000);
 * ```
 */
export class CachedServerResponse<
  TReq extends IncomingMessage = IncomingMessage,
> extends ServerResponse<TReq> {
  /** Set once the glue answers `304`: the body the handler still writes is dropped. */
  private notModified = false;

  override setHeader(name: string, value: number | string | readonly string[]): this {
    return super.setHeader(name, varyMerged(this, name, value));
  }

  // Fixed parameters, not rest ones: these run for every response, and Node's own methods
  // treat an `undefined` reason, headers, encoding or callback as absent.
  override writeHead(
    statusCode: number,
    reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    const state = this.headersSent ? undefined : existingRequestState(this.req);
    if (
      state !== undefined &&
      statusCode !== 304 &&
      applyCacheHeaders(state, this.req, this, statusCode) === 'not-modified'
    ) {
      this.notModified = true;
      return super.writeHead(304);
    }
    return super.writeHead(statusCode, reason as string, headers);
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    // A 304 has no body (RFC 9110 §15.4.5), as in interceptHead.
    return (
      this.notModified ||
      super.write(chunk, encoding as BufferEncoding, callback as (error?: Error | null) => void)
    );
  }
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
    return setHeader.call(this, name, varyMerged(res, name, value));
  };
  res.setHeader = merging as typeof setHeader;
}

/**
 * The value `setHeader(name, value)` stores on `res`: for `Vary` when one is set already, the
 * merge of both (see {@link mergeVaryOnSet}); otherwise `value`. The cache headers the glue sets
 * itself pass as they are: their `Vary` was folded from the one on `res`.
 */
function varyMerged<T extends number | string | readonly string[]>(
  res: ServerResponse,
  name: string,
  value: T,
): T | string {
  if (settingCacheHeaders || name.length !== 4 || name.toLowerCase() !== 'vary') return value;
  if (!res.hasHeader('vary')) return value;
  const added = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
  return mergeVary(nodeResponseHeaders(res)?.get('vary'), added) ?? added.join(', ');
}

/** True while applyCacheHeaders sets the folded headers (synchronously). */
let settingCacheHeaders = false;

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
    if (
      status !== 304 &&
      applyCacheHeaders(requestStateFor(req), req, res, status) === 'not-modified'
    ) {
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
  state: RequestCacheState,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
): 'not-modified' | 'ok' {
  const answer = answerResponse(
    state,
    req.method,
    status,
    // Node joins repeated If-None-Match lines into one list, as the header's syntax allows.
    req.headers['if-none-match'],
    // The reader the context step made for this request, when it ran.
    state.responseHeaders ?? nodeResponseHeaders(res) ?? NO_HEADERS,
  );
  if (answer === undefined) return 'ok';
  settingCacheHeaders = true;
  try {
    for (const name in answer.headers) res.setHeader(name, answer.headers[name] as string);
  } finally {
    settingCacheHeaders = false;
  }
  if (!answer.notModified) return 'ok';
  for (const name of OMITTED_304_HEADERS) if (res.hasHeader(name)) res.removeHeader(name);
  return 'not-modified';
}

const NO_HEADERS: HeaderReader = { get: () => null };

function dropBody(): boolean {
  return true;
}
