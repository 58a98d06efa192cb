import { isPromiseLike } from '../async.js';
import { baseKeySurrogateKey, tagSurrogateKey } from '../cdn/index.js';
import type {
  Cache,
  CacheStatus,
  CallRequest,
  CallResult,
  Loaded,
  LoadResult,
  StreamLimits,
} from '../engine/types.js';
import { ConfigurationError } from '../errors.js';
import { isCacheableResponse } from '../http/index.js';
import { warnOnce } from '../warn.js';
import { pathTags } from './path-tags.js';
import { principalKey } from './principal.js';
import { type CallRecord, type RequestCacheState, requestStateOf } from './request-state.js';
import { etagSinkContext, responseEtag } from './resolver-etag.js';
import { routeCustomKey, routeTags } from './route-key.js';
import type { CacheSetup, ResolvedRouteOptions } from './route-options.js';
import { VariantMemo } from './variant-memo.js';

/**
 * One call as an adapter hands it to {@link CachedCall.run}: what the cache step reads. A
 * framework's own per-call options object usually fits as is (tRPC's middleware options do).
 *
 * @example
 * ```ts
 * const call: AdapterCall = { path: 'users.get', input: { id: 1 }, ctx, batchIndex: 0, signal };
 * ```
 */
export interface AdapterCall {
  /** The procedure's dotted path, e.g. `users.get`. */
  readonly path: string;
  /** The **parsed** input (after the procedure's validators). */
  readonly input: unknown;
  /** The context as the middlewares before the cache left it (carrying the request state). */
  readonly ctx: unknown;
  /** The call's position in its request (its batch index; `0` for a request of one call). */
  readonly batchIndex: number;
  /** An HTTP adapter always passes one; a server-side caller only when given one. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * What a framework adapter tells {@link CachedCall} about its framework: how to run the rest of
 * the chain and how a value or a failure becomes the framework's middleware result. Everything
 * else — scope and principal, variant, tags and path tags, the engine call, `X-Cache` records,
 * surrogate keys, fail-open — is the cache step's.
 *
 * @example
 * ```ts
 * const binding: CallBinding<Opts, Result> = {
 *   next: async (call, ctx) => ({ ok: true, value: (await call.next({ ctx })).data }),
 *   served: (_call, value) => ({ ok: true, data: value }),
 *   failed: (_call, failure) => failure,
 *   glue: 'withCacheContext(createContext) and withHttpCache(handler)',
 * };
 * ```
 */
export interface CallBinding<TCall extends AdapterCall, TResult> {
  /**
   * Run the rest of the chain with `ctx` added to the context (it carries what `setETag`
   * reports to), returning its value or its failure (never thrown for an ordinary failure).
   */
  next(call: TCall, ctx: object): Promise<Loaded<unknown, unknown>>;
  /** The middleware result for a served value. */
  served(call: TCall, value: unknown): TResult;
  /** The middleware result for a failure `next` returned (a framework that throws rethrows it). */
  failed(call: TCall, failure: unknown): TResult;
  /**
   * The error code of a failure (`UNAUTHORIZED`, `FORBIDDEN`…), if it has one: a public route
   * whose fill was rejected for who the caller is warns `ROUTECACHE_AUTH_BELOW_CACHE` (the check
   * below the cache runs on a miss only, so a hit skips it).
   */
  errorCode?(failure: unknown): unknown;
  /** Checks of a placement that cannot work, run first on every call (throw to refuse). */
  assertUsable?(call: TCall): void;
  /** How to install the missing glue, for the `ROUTECACHE_NO_CACHE_CONTEXT` warning. */
  readonly glue: string;
}

/** How a call was served, for its record: its scope and declared tags. */
interface Served {
  readonly scope: 'public' | 'private';
  readonly declaredTags: readonly string[];
}

/**
 * The `X-Cache` status of a served result. A miss whose value was never encoded for storing —
 * refused by its response (`Set-Cookie`, `no-store`, `Vary: *`), by the codec, or by a zero ttl
 * — did not use the cache: `BYPASS`. A miss the store failed to keep (fail-open) or an
 * invalidation fenced out was encoded (it has its ETag): `MISS`. A stream's miss has no ETag yet
 * (it is encoded when it completes) and so reads `BYPASS`; no header ever shows it, since only
 * a streamed request (which gets no cache headers) or a server-side caller reads a stream.
 */
function statusOf(loaded: LoadResult<unknown>): CacheStatus {
  if (loaded.status !== 'MISS') return loaded.status;
  return loaded.etag === undefined ? 'BYPASS' : 'MISS';
}

/**
 * One call of a cached route as the engine takes it — the key parts, variant, entry tags (declared
 * and `@path`), policy, stream limits, the host's `waitUntil` — and what its loader leaves for the
 * rest of `run`. One object per call: its loader, `cacheable` and `etag` are methods, not closures
 * made per call, and the trace of a miss (the resolver's own ETag, whether it ran) lives on it.
 */
class RouteCall<TCall extends AdapterCall> implements CallRequest<unknown, unknown>, Served {
  readonly route: string;
  readonly input: unknown;
  readonly key: string | undefined;
  readonly namespace: string | undefined;
  readonly variant: string;
  readonly tags: readonly string[];
  readonly stream: StreamLimits;
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  readonly ttl?: number;
  readonly staleWhileRevalidate?: number;
  readonly staleIfError?: number;
  /** The ETag the resolver gave its result with `setETag(ctx, tag)`, if it ran and did. */
  resolverEtag: string | undefined = undefined;
  /** Only for an engine that rejects: whether answering uncached would run the resolver twice. */
  ranResolver = false;

  constructor(
    private readonly binding: CallBinding<TCall, unknown>,
    private readonly call: TCall,
    private readonly state: RequestCacheState | undefined,
    readonly scope: 'public' | 'private',
    readonly declaredTags: readonly string[],
    options: ResolvedRouteOptions,
    parts: { key: string | undefined; variant: string; tags: readonly string[] },
  ) {
    this.route = call.path;
    this.input = call.input;
    this.key = parts.key;
    this.namespace = options.namespace;
    this.variant = parts.variant;
    this.tags = parts.tags;
    this.stream = options.stream;
    this.waitUntil = state?.waitUntil;
    // Assigned when set only: the fields exist either way (class fields), so the shape is one.
    if (options.ttl !== undefined) this.ttl = options.ttl;
    if (options.staleWhileRevalidate !== undefined) {
      this.staleWhileRevalidate = options.staleWhileRevalidate;
    }
    if (options.staleIfError !== undefined) this.staleIfError = options.staleIfError;
  }

  /** Run the rest of the chain (a miss), catching the ETag the resolver sets. */
  load(): Promise<Loaded<unknown, unknown>> {
    this.ranResolver = true;
    return this.binding.next(
      this.call,
      etagSinkContext((tag) => {
        this.resolverEtag = tag;
      }),
    );
  }

  /** The response's say over storing (and a stream only where the transport reads it). */
  cacheable(_value: unknown, kind: 'value' | 'stream'): boolean {
    return (kind === 'value' || readsStream(this.state)) && allowsStoring(this.state, this.scope);
  }

  /** The resolver's own ETag, else one a response header set; none: the engine hashes. */
  etag(): string | undefined {
    return this.resolverEtag ?? responseEtag(this.state);
  }
}

/**
 * Whether the call's transport reads a stream result: a server-side caller (no request state)
 * or a request the adapter marked `streamed`. Another transport refuses the stream without
 * reading it, so a fill opened for it would wait for nothing.
 */
function readsStream(state: RequestCacheState | undefined): boolean {
  return state === undefined || state.streamed;
}

/** Response headers a resolver set (`Set-Cookie`, `Vary: *`, `no-store`) can forbid storing. */
function allowsStoring(state: RequestCacheState | undefined, scope: 'public' | 'private'): boolean {
  const headers = state?.responseHeaders;
  if (headers === undefined || isCacheableResponse(headers, { scope })) return true;
  if (headers.get('set-cookie') !== null) {
    warnOnce('ROUTECACHE_SET_COOKIE_NOT_CACHED', 'a response setting a cookie was not cached');
  }
  return false;
}

/**
 * The cache step of one cached route, shared by every framework adapter; one instance per
 * `cacheMiddleware(options)`. The adapter's {@link CallBinding} runs the rest of its chain and
 * shapes results; this does the rest.
 *
 * A call is one `cache.call` (keying, single-flight, stale serving, fail-open). Its loader
 * runs the rest of the chain and returns a failure as a failure, which the cache passes back
 * untouched (never stored) and the binding turns back into the framework's result. A resolver's
 * stream is the engine's to fill (one lookup, the fence taken before the resolver runs); what
 * comes back — the stream, or a replay of a stored one — is served as is.
 *
 * Private by default: a route without `scope` is keyed by the caller's principal whenever the
 * setup's `principal` returns one; a `scope: 'private'` call without one is served uncached.
 * Each call served through the cache is recorded on the request state (status, ETag, policy,
 * `vary`, surrogate keys) for the HTTP glue to fold into headers.
 *
 * @example
 * ```ts
 * const call = new CachedCall(cache, resolveRouteOptions({ ttl: 60 }, {}), undefined, undefined, binding);
 * const middleware = (opts) => call.run(opts);
 * ```
 */
export class CachedCall<TCall extends AdapterCall, TResult> {
  /** Whether the route's tags come from a function (else a static list). */
  private readonly dynamicTags: boolean;
  /** Per procedure path: the tags stored with every entry (static tags + path tags), or the path tags alone for a tags function. */
  private readonly tagsByPath = new Map<string, readonly string[]>();
  /** The route's variants by the facts they digest (vary header values, principal). */
  private readonly variants: VariantMemo;

  constructor(
    private readonly cache: Cache,
    private readonly options: ResolvedRouteOptions,
    private readonly principalOf: ((ctx: unknown) => unknown) | undefined,
    private readonly transport: CacheSetup['transport'],
    private readonly binding: CallBinding<TCall, TResult>,
  ) {
    this.dynamicTags = typeof options.tags === 'function';
    this.variants = new VariantMemo(options.vary);
  }

  async run(call: TCall): Promise<TResult> {
    const state = requestStateOf(call.ctx);
    this.assertUsable(call, state);
    // Without the context the cache cannot see a Set-Cookie: never store an HTTP call's result.
    if (state === undefined && this.isHttpWithoutContext(call)) {
      this.cache.bypassed(call.path, 'no-context');
      return this.uncached(call, state);
    }
    const principal = this.principalFor(call);
    // Private by default: only a route declared public is shared by callers with a principal.
    const scope = this.options.scope ?? (principal === undefined ? 'public' : 'private');
    // The declared tags, reported to the client (Routecache-Tags) also when served uncached.
    const declaredTags = routeTags(this.options, call.path, call.input, call.ctx);
    // No one to key a private entry by: never share it, serve it uncached.
    if (scope === 'private' && principal === undefined) {
      this.cache.bypassed(call.path, 'no-principal');
      return this.uncached(call, state, { scope, declaredTags });
    }
    const request = this.callRequest(call, state, scope, declaredTags, principal);
    let answer: CallResult<unknown, unknown>;
    try {
      // A memory hit comes back as is: served without waiting a microtask.
      const called = this.cache.call(request);
      answer = isPromiseLike(called) ? await called : called;
    } catch (error) {
      // The cache itself failed before running this call's resolver: fail open, answer uncached.
      if (request.ranResolver) throw error;
      this.cache.bypassed(call.path, 'cache-error');
      return this.uncached(call, state, request);
    }
    return this.answer(call, state, request, answer);
  }

  /** The caller's principal key, unless the route is public or the cache has no `principal`. */
  private principalFor(call: TCall): string | undefined {
    if (this.options.scope === 'public' || this.principalOf === undefined) return undefined;
    return principalKey(this.principalOf(call.ctx), call.path);
  }

  /** The call as the engine takes it (see {@link RouteCall}). */
  private callRequest(
    call: TCall,
    state: RequestCacheState | undefined,
    scope: 'public' | 'private',
    declaredTags: readonly string[],
    principal: string | undefined,
  ): RouteCall<TCall> {
    const { options } = this;
    return new RouteCall(this.binding, call, state, scope, declaredTags, options, {
      key: routeCustomKey(options, call.path, call.input, call.ctx),
      variant: this.variants.variant(
        state?.requestHeaders,
        scope === 'private' ? principal : undefined,
      ),
      tags: this.entryTags(call.path, declaredTags),
    });
  }

  /** Turn the engine's answer into the middleware's result, recording the call's status. */
  private answer(
    call: TCall,
    state: RequestCacheState | undefined,
    request: RouteCall<TCall>,
    answer: CallResult<unknown, unknown>,
  ): TResult | Promise<TResult> {
    if (answer.outcome === 'unkeyable') {
      // Too deep, cyclic, too large, an unknown class: the call is served, only not cached.
      warnOnce(
        'ROUTECACHE_UNKEYABLE_INPUT',
        `"${call.path}" was served uncached (BYPASS): ${answer.error.message}`,
        `${call.path}\u0000${answer.error.reason}`,
      );
      return this.uncached(call, state, request);
    }
    if (answer.outcome === 'failed') {
      // The resolver ran and failed (or a middleware after the cache rejected): nothing stored,
      // and no status (a batch shows the call as BYPASS).
      if (request.scope === 'public') this.warnIfAuthBelowCache(call, answer.failure);
      return this.binding.failed(call, answer.failure);
    }
    // A transport that refuses a stream fails that call, and a failed call has no status (a
    // stored stream's HIT and ETag must not reach the error response).
    if (answer.kind === 'stream' && !readsStream(state))
      return this.binding.served(call, answer.value);
    const { etag, maxAge } = answer;
    const stored = etag !== undefined;
    const keys =
      stored && request.scope === 'public' ? this.surrogateKeysOf(state, request) : undefined;
    this.report(state, call, statusOf(answer), etag, maxAge, stored, request, keys);
    return this.binding.served(call, answer.value);
  }

  /**
   * Serve the call without the cache: `BYPASS` when it succeeds (recorded when `served` says how;
   * a call without the context has no record to make).
   */
  private async uncached(
    call: TCall,
    state: RequestCacheState | undefined,
    served?: Served,
  ): Promise<TResult> {
    const result = await this.binding.next(call, NO_ETAG_SINK);
    if (!result.ok) return this.binding.failed(call, result.failure);
    if (served !== undefined) this.report(state, call, 'BYPASS', undefined, 0, false, served);
    return this.binding.served(call, result.value);
  }

  /**
   * A shared-cacheable call's surrogate keys, when the HTTP glue has a CDN: its entry's tags
   * (declared and `@path` ones) and its base key — the names its invalidations purge by
   * (`@routecache/core/cdn`).
   */
  private surrogateKeysOf(
    state: RequestCacheState | undefined,
    request: CallRequest<unknown, unknown>,
  ): readonly string[] | undefined {
    if (state?.cdn === undefined) return undefined;
    const keys = (request.tags ?? []).map(tagSurrogateKey);
    keys.push(baseKeySurrogateKey(this.cache.keyFor(request)));
    return keys;
  }

  /**
   * The tags an entry of `path` is stored with: the declared ones and the implicit path tags
   * (`pathTags`). Kept per path for static tags (one list per route this middleware is on).
   */
  private entryTags(path: string, declared: readonly string[]): readonly string[] {
    let stored = this.tagsByPath.get(path);
    if (stored === undefined) {
      stored = this.dynamicTags ? pathTags(path) : [...declared, ...pathTags(path)];
      this.tagsByPath.set(path, stored);
    }
    return this.dynamicTags ? [...declared, ...stored] : stored;
  }

  /**
   * A rejection for who the caller is, from below the cache of a public route: the check runs on
   * a miss only, so a hit serves the entry to a caller it would have rejected.
   */
  private warnIfAuthBelowCache(call: TCall, failure: unknown): void {
    const code = this.binding.errorCode?.(failure);
    if (code !== 'UNAUTHORIZED' && code !== 'FORBIDDEN') return;
    warnOnce(
      'ROUTECACHE_AUTH_BELOW_CACHE',
      `"${call.path}" was rejected with ${code} below its cache: the check runs on a miss only, so a hit skips it for the next caller; move .use(cacheMiddleware(…)) after the auth middleware, or declare scope: 'private'`,
      call.path,
    );
  }

  /**
   * Placements that cannot work, reported on the call (a middleware cannot see its procedure's
   * type or chain before it runs): the binding's own checks, then a `vary` route without the
   * request headers.
   */
  private assertUsable(call: TCall, state: RequestCacheState | undefined): void {
    this.binding.assertUsable?.(call);
    if (this.options.vary.length > 0 && state?.requestHeaders === undefined) {
      throw new ConfigurationError(
        `"${call.path}" varies on request headers, which need routecache's context: ${this.binding.glue}`,
        { context: { path: call.path, option: 'vary' } },
      );
    }
  }

  /**
   * Whether a call that carries no cache context came over HTTP, its glue missing. The declared
   * `transport` decides; without one a `signal` does: HTTP adapters always pass one, a
   * server-side caller only when given one.
   */
  private isHttpWithoutContext(call: TCall): boolean {
    const http =
      this.transport === undefined ? call.signal !== undefined : this.transport === 'http';
    if (http) {
      warnOnce(
        'ROUTECACHE_NO_CACHE_CONTEXT',
        `"${call.path}" was called over HTTP without routecache's context, so it is served uncached (the cache cannot see a Set-Cookie there). Add it with ${this.binding.glue}. For a server-side caller given a signal, declare createCacheMiddleware(cache, { transport: 'server' })`,
      );
    }
    return http;
  }

  private report(
    state: RequestCacheState | undefined,
    call: TCall,
    status: CallRecord['status'],
    etag: string | undefined,
    freshness: number,
    cacheable: boolean,
    { scope, declaredTags }: Served,
    surrogateKeys?: readonly string[],
  ): void {
    if (state === undefined) return;
    const { maxAge, sMaxAge, staleWhileRevalidate, staleIfError, vary } = this.options;
    state.record(call.batchIndex, {
      path: call.path,
      tags: declaredTags,
      status,
      etag,
      cacheable,
      scope,
      maxAge: maxAge === undefined ? undefined : Math.min(maxAge, freshness),
      sMaxAge: sMaxAge === undefined ? undefined : Math.min(sMaxAge, freshness),
      staleWhileRevalidate,
      staleIfError,
      ttl: freshness,
      surrogateKeys,
      vary,
    });
  }
}

/** The context addition of a call served uncached: `setETag` there is accepted and ignored. */
const NO_ETAG_SINK = etagSinkContext(() => {});
