import type { MaybePromise } from '@routecache/core';
import { cacheRunsBeforeInput } from './introspect.js';
import { cacheBeforeInputError } from './placement.js';
import {
  contextWithState,
  type HeaderReader,
  headerReader,
  nodeResponseHeaders,
  requestStateFor,
} from './request-state.js';

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
 * per-call results to the HTTP glue (`withHttpCache`, `withNodeHttpCache`). Works with the fetch,
 * standalone, Express and other Node adapters. The returned context is a copy of yours with one
 * hidden symbol key.
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
    const ctx = createContext === undefined ? {} : await createContext(opts);
    const state = requestStateFor(opts.req);
    state.requestHeaders = headerReader((opts.req as { headers?: unknown }).headers);
    state.responseHeaders = opts.resHeaders ?? nodeResponseHeaders(opts.res);
    state.callCount = calls?.length ?? 1;
    return contextWithState(ctx, state);
  };
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
