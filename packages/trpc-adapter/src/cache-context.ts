import {
  contextWithState,
  existingRequestState,
  type HeaderReader,
  type MaybePromise,
  nodeResponseHeaders,
  type RequestCacheState,
  requestHeaderReader,
  requestStateFor,
  warnOnce,
} from '@routecache/core/adapter';
import { cacheRunsBeforeInput } from './introspect.js';
import { cacheBeforeInputError } from './placement.js';

/**
 * The parts of a tRPC adapter's `createContext` options routecache reads.
 *
 * @example
 * ```ts
 * const opts: CreateContextOptionsLike = { req, resHeaders, info }; // FetchCreateContextFnOptions fits
 * ```
 */
export interface CreateContextOptionsLike {
  /** Fetch adapters: a `Request`; Node adapters: an `IncomingMessage`. */
  req: object;
  /** Fetch adapters: the response headers resolvers may set. */
  resHeaders?: HeaderReader;
  /** Node adapters: the `ServerResponse`. */
  res?: object;
  /** tRPC's request info: the calls of the request and the procedure each one runs. */
  info?: { readonly calls: readonly RequestCallLike[] };
}

/**
 * One call of a request, as tRPC's `info.calls` describes it.
 *
 * @example
 * ```ts
 * const call: RequestCallLike = opts.info.calls[0]; // TRPCRequestInfoProcedureCall fits
 * ```
 */
export interface RequestCallLike {
  readonly path: string;
  /** The procedure the call runs; `null` when the path names none. */
  readonly procedure?: object | null;
}

/**
 * Wrap a tRPC `createContext` so the cache middleware can read request headers (for `vary`),
 * see response headers set by resolvers (`Set-Cookie`, `Vary: *` are never stored), and report
 * per-call results to the HTTP glue (`withHttpCache`, `withNodeHttpCache`,
 * `withFastifyHttpCache`). Works with the fetch, standalone, Express, Fastify and other Node
 * adapters. The returned context is a copy of yours with one
 * hidden symbol key.
 *
 * Without it, a cached procedure called over HTTP is served uncached: the cache could not tell a
 * response that sets a cookie from one that may be shared. Used without the handler wrapper, it
 * warns once (`ROUTECACHE_NO_HTTP_GLUE`): caching works, but every cache header is lost.
 *
 * @throws {ConfigurationError} when a called procedure runs a cache middleware before one of its
 *   `.input()` validators (each procedure is checked once).
 * @example
 * ```ts
 * fetchRequestHandler({ endpoint: '/trpc', req, router, createContext: withCacheContext(createContext) });
 * createHTTPHandler({ router, createContext: withCacheContext(({ req }) => ({ user: auth(req) })) });
 * ```
 */
export function withCacheContext<TOpts extends CreateContextOptionsLike, TCtx extends object>(
  createContext: (opts: TOpts) => MaybePromise<TCtx>,
): (opts: TOpts) => Promise<TCtx>;
/** Without a `createContext` of your own: the context is `{}` plus the hidden state. */
export function withCacheContext(): (opts: CreateContextOptionsLike) => Promise<object>;
export function withCacheContext(
  createContext?: (opts: CreateContextOptionsLike) => MaybePromise<object>,
): (opts: CreateContextOptionsLike) => Promise<object> {
  return async function createCachedContext(opts) {
    const calls = opts.info?.calls;
    if (calls !== undefined) for (const call of calls) assertCacheAfterInputs(call);
    const made = createContext === undefined ? {} : createContext(opts);
    // A synchronous createContext is not awaited: one microtask less per request.
    const ctx = typeof (made as { then?: unknown }).then === 'function' ? await made : made;
    const state = existingRequestState(opts.req) ?? unwrappedRequestState(opts.req);
    const requestHeaders = requestHeaderReader((opts.req as { headers?: unknown }).headers);
    state.requestHeaders = requestHeaders;
    state.streamed = requestHeaders === undefined || isStreamedRequest(requestHeaders);
    state.responseHeaders = opts.resHeaders ?? nodeResponseHeaders(opts.res);
    state.callCount = calls?.length ?? 1;
    return contextWithState(ctx, state);
  };
}

/**
 * Whether a tRPC request asked for a streamed (jsonl) response: its headers go out before the
 * calls finish, so it gets no cache headers (its values are still cached and replayed), and a
 * query's stream is read only over such a request.
 *
 * @internal
 * @example
 * ```ts
 * isStreamedRequest(new Headers({ 'trpc-accept': 'application/jsonl' })); // true
 * ```
 */
export function isStreamedRequest(request: HeaderReader): boolean {
  return request.get('trpc-accept') === 'application/jsonl';
}

/** Procedures whose chain was found sound; a misplaced one is refused on every request. */
const checkedProcedures = new WeakSet<object>();

function assertCacheAfterInputs({ path, procedure }: RequestCallLike): void {
  if (procedure === undefined || procedure === null || checkedProcedures.has(procedure)) return;
  const middlewares = (procedure as { _def?: { middlewares?: readonly unknown[] } })._def
    ?.middlewares;
  if (middlewares !== undefined && cacheRunsBeforeInput(middlewares)) {
    throw cacheBeforeInputError(path);
  }
  checkedProcedures.add(procedure);
}

/** A request no handler wrapper saw: the calls are still cached, their headers never sent. */
function unwrappedRequestState(req: object): RequestCacheState {
  // A fetch `Request` carries `Headers`; a Node `IncomingMessage` a plain object; a
  // `FastifyRequest` a plain object and the `IncomingMessage` it wraps as `raw`.
  const headers = (req as { headers?: { get?: unknown } }).headers;
  const wrapper =
    typeof headers?.get === 'function'
      ? 'withHttpCache'
      : 'raw' in req
        ? 'withFastifyHttpCache'
        : 'withNodeHttpCache';
  warnOnce(
    'ROUTECACHE_NO_HTTP_GLUE',
    `withCacheContext built a context for a request no ${wrapper}(…) handler saw: its cache headers (X-Cache, ETag, Cache-Control) and 304 answers are lost. Wrap the tRPC handler in ${wrapper}${wrapper === 'withNodeHttpCache' ? ' (or use createCachedHTTPServer)' : ''}`,
    wrapper,
  );
  return requestStateFor(req);
}
