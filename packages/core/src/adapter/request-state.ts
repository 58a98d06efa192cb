import type { CacheStatus } from '../engine/types.js';
import type { SurrogateKeyHeader } from './cdn.js';
import type { Invalidation } from './wire-headers.js';

/**
 * Read access to a set of HTTP headers; `Headers` fits.
 *
 * @example
 * ```ts
 * const headers: HeaderReader = new Headers({ vary: 'accept' });
 * ```
 */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * What the cache middleware recorded about one call, for the response's HTTP headers.
 *
 * @internal
 * @example
 * ```ts
 * state.record(0, { path: 'users.get', tags: ['users'], status: 'HIT', etag: '"…"', cacheable: true, scope: 'public', maxAge: undefined,
 *   sMaxAge: undefined, staleWhileRevalidate: undefined, vary: [] });
 * ```
 */
export interface CallRecord {
  /** The procedure path. */
  readonly path: string;
  /** The call's declared tags (no implicit `@` path tags), for `Routecache-Tags`. */
  readonly tags: readonly string[];
  readonly status: CacheStatus;
  /** The stored entry's ETag; `undefined` when nothing was stored or served from the cache. */
  readonly etag: string | undefined;
  /** Whether downstream HTTP caches may keep the result (`false` → `no-store`). */
  readonly cacheable: boolean;
  readonly scope: 'public' | 'private';
  readonly maxAge: number | undefined;
  readonly sMaxAge: number | undefined;
  readonly staleWhileRevalidate: number | undefined;
  /** The route's `staleIfError` window, for `CDN-Cache-Control: stale-if-error`. */
  readonly staleIfError?: number | undefined;
  /** Seconds of freshness left in the cache (`Cache-Status: …; ttl=`). */
  readonly ttl?: number | undefined;
  /**
   * The call's surrogate keys (its tags, its path tags, its base key), when the HTTP glue has
   * a `cdn` and the call is shared-cacheable; `undefined` otherwise.
   */
  readonly surrogateKeys?: readonly string[] | undefined;
  /** The route's `vary` header names (lower-cased). */
  readonly vary: readonly string[];
}

/** No header names (the default of {@link RequestCacheState.extraVary}). */
const NO_NAMES: readonly string[] = Object.freeze([]);

/** No records (the {@link RequestCacheState.calls} of a request no cache middleware saw). */
const NO_CALLS: readonly (CallRecord | undefined)[] = Object.freeze([]);

/** No invalidations (the {@link RequestCacheState.invalidations} of a request without any). */
const NO_INVALIDATIONS: readonly (Invalidation | undefined)[] = Object.freeze([]);

/**
 * Per-request bookkeeping shared by the HTTP glue and the cache middleware: the request and
 * response headers, how many calls the request holds, and one {@link CallRecord} per cached call
 * in batch order.
 *
 * @internal
 * @example
 * ```ts
 * const state = requestStateFor(req);
 * state.callCount; // calls in the request
 * ```
 */
export class RequestCacheState {
  /**
   * One slot per call of the request, by batch index; empty where no cache middleware ran.
   * Shared and empty until the first record: a request no cache middleware saw allocates no list.
   */
  calls: readonly (CallRecord | undefined)[] = NO_CALLS;
  /** Number of calls in the request (a batch's size; set by the adapter's context step). */
  callCount = 1;
  requestHeaders: HeaderReader | undefined;
  /** The headers resolvers may set (`resHeaders` of the fetch adapter, `res` of Node adapters). */
  responseHeaders: HeaderReader | undefined;
  /** Where the HTTP glue's CDN reads surrogate keys; `undefined`: compute none. */
  cdn: SurrogateKeyHeader | undefined;
  /**
   * Whether the response is streamed — its headers go out before the calls finish (tRPC's jsonl
   * requests): it gets no cache headers, and a stream result may be filled for it. Set by the
   * adapter's context step.
   */
  streamed = false;
  /** Header names the glue adds to every cached response's `Vary` (`HttpCacheOptions.vary`). */
  extraVary: readonly string[] = NO_NAMES;

  /**
   * What each successful mutation of the request invalidated, by batch index (its declared
   * targets, never keys or principals); empty where no `invalidates` middleware completed.
   * Shared and empty until the first invalidation: a query request allocates no list for it.
   */
  invalidations: readonly (Invalidation | undefined)[] = NO_INVALIDATIONS;
  /** The host's `waitUntil` for background refreshes (a Workers `ctx.waitUntil`), if any. */
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;

  record(batchIndex: number, record: CallRecord): void {
    if (this.calls === NO_CALLS) this.calls = [];
    (this.calls as (CallRecord | undefined)[])[batchIndex] = record;
  }

  /** Add what the mutation at `batchIndex` invalidated (several declarations on one mutation add up). */
  recordInvalidation(batchIndex: number, invalidation: Invalidation): void {
    if (this.invalidations === NO_INVALIDATIONS) this.invalidations = [];
    const invalidations = this.invalidations as (Invalidation | undefined)[];
    const earlier = invalidations[batchIndex];
    invalidations[batchIndex] =
      earlier === undefined
        ? invalidation
        : {
            calls: [...earlier.calls, ...invalidation.calls],
            paths: [...earlier.paths, ...invalidation.paths],
            tags: [...earlier.tags, ...invalidation.tags],
          };
  }
}

// A registered symbol survives tRPC's ctx spreading (`{ ...ctx, ...overrides }` copies own
// symbol keys) and cannot collide with a user's string keys.
const STATE = Symbol.for('routecache.trpc.requestState');
// The state rides on the request object itself: a property read per lookup, where a WeakMap
// entry cost a hash insert per request and ephemeron work in every GC.
const ON_REQUEST = Symbol('routecache.requestState');

/**
 * The request state carried by a context made with {@link withCacheContext}.
 *
 * @internal
 * @example
 * ```ts
 * requestStateOf(opts.ctx)?.record(opts.batchIndex, record);
 * ```
 */
export function requestStateOf(ctx: unknown): RequestCacheState | undefined {
  if (typeof ctx !== 'object' || ctx === null) return undefined;
  const state: unknown = (ctx as Record<symbol, unknown>)[STATE];
  return state instanceof RequestCacheState ? state : undefined;
}

/**
 * The state for a request object (a `Request` or Node `IncomingMessage`), created on first use.
 * The HTTP glue calls it before the handler runs; `withCacheContext` finds the same state
 * through the same request object.
 *
 * @internal
 * @example
 * ```ts
 * const state = requestStateFor(req); // the same object for the same req
 * ```
 */
export function requestStateFor(req: object): RequestCacheState {
  const held = req as { [ON_REQUEST]?: RequestCacheState };
  let state = held[ON_REQUEST];
  if (state === undefined) {
    state = new RequestCacheState();
    held[ON_REQUEST] = state;
  }
  return state;
}

/**
 * A copy of `ctx` carrying `state` under a hidden symbol key, where {@link requestStateOf} finds it.
 *
 * @internal
 * @example
 * ```ts
 * return contextWithState(await createContext(opts), requestStateFor(opts.req));
 * ```
 */
export function contextWithState<TCtx extends object>(ctx: TCtx, state: RequestCacheState): TCtx {
  return { ...ctx, [STATE]: state };
}

/**
 * The state the handler wrapper made for `req`, if a wrapper saw it.
 *
 * @internal
 * @example
 * ```ts
 * existingRequestState(req) ?? warnNoWrapper(req);
 * ```
 */
export function existingRequestState(req: object): RequestCacheState | undefined {
  return (req as { [ON_REQUEST]?: RequestCacheState })[ON_REQUEST];
}

/**
 * A reader over `Headers` or a Node `IncomingHttpHeaders` object.
 *
 * @internal
 * @example
 * ```ts
 * headerReader(req.headers)?.get('accept-language');
 * ```
 */
export function headerReader(headers: unknown): HeaderReader | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as HeaderReader).get === 'function') return headers as HeaderReader;
  return new RecordHeaders(headers as Record<string, string | string[] | undefined>);
}

/**
 * A reader over a request's headers, for {@link RequestCacheState.requestHeaders}: like
 * {@link headerReader}, and a `Headers` object is read once per name. A request's headers are
 * its client's, fixed when it arrived, while an undici `Headers.get` costs ~80 ns (it validates
 * and lower-cases the name, then searches), against ~3.5 ns for a Node headers record's
 * property. Every cached call of a batch, or of a server-side caller sharing one context, reads
 * its route's `vary` headers: they come from the memo after the first call. A `set` on the
 * request's headers after that read is not seen.
 *
 * @internal
 * @example
 * ```ts
 * state.requestHeaders = requestHeaderReader(req.headers);
 * state.requestHeaders?.get('accept-language'); // Headers.get once, then the memo
 * ```
 */
export function requestHeaderReader(headers: unknown): HeaderReader | undefined {
  const reader = headerReader(headers);
  return reader === undefined || reader instanceof RecordHeaders ? reader : new ReadOnce(reader);
}

/** {@link requestHeaderReader} over a `Headers` object: each name's value, read on first use. */
class ReadOnce implements HeaderReader {
  readonly #values = new Map<string, string | null>();

  constructor(private readonly headers: HeaderReader) {}

  get(name: string): string | null {
    let value = this.#values.get(name);
    if (value === undefined) {
      value = this.headers.get(name);
      this.#values.set(name, value);
    }
    return value;
  }
}

/** {@link headerReader} over a Node headers object: one object per request, no closure. */
class RecordHeaders implements HeaderReader {
  constructor(private readonly record: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    return joinValue(this.record[name.toLowerCase()]);
  }
}

/**
 * A reader over the headers set so far on a Node `ServerResponse`.
 *
 * @internal
 * @example
 * ```ts
 * nodeResponseHeaders(res)?.get('set-cookie');
 * ```
 */
export function nodeResponseHeaders(res: object | undefined): HeaderReader | undefined {
  const getHeader = (res as { getHeader?: unknown } | undefined)?.getHeader;
  if (typeof getHeader !== 'function') return undefined;
  return new ResponseHeaders(res as NodeResponseLike);
}

interface NodeResponseLike {
  getHeader(name: string): unknown;
}

/** {@link nodeResponseHeaders}' reader: one object per request, no closure. */
class ResponseHeaders implements HeaderReader {
  constructor(private readonly res: NodeResponseLike) {}

  get(name: string): string | null {
    return joinValue(this.res.getHeader(name));
  }
}

function joinValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
