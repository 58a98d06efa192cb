import type { Cache, CacheStatus } from '../engine/types.js';
import { ConfigurationError } from '../errors.js';
import {
  type CallRequest,
  type CallResult,
  deriveVariant,
  type EntryPolicy,
  isCacheableResponse,
  type LoadResult,
  warnOnce,
} from '../adapter.js';
import { baseKeySurrogateKey, tagSurrogateKey } from '../cdn/index.js';
import { type MiddlewareResult, middlewareMarker } from '@trpc/server/unstable-core-do-not-import';
import { isStreamedRequest } from './fold.js';
import type { CacheMiddlewareCallOptions } from '../../../trpc-adapter/src/middleware.js';
import type { CacheSetup, ResolvedRouteOptions } from './route-options.js';
import { pathTags } from './path-tags.js';
import { refuseRawInput } from '../../../trpc-adapter/src/placement.js';
import { principalKey } from './principal.js';
import { type CallRecord, type RequestCacheState, requestStateOf } from './request-state.js';
import { etagSinkContext, responseEtag } from './resolver-etag.js';
import { routeCustomKey, routeTags } from './route-key.js';

/** How a call was served, for its record: its scope and declared tags. */
interface Served {
  readonly scope: 'public' | 'private';
  readonly tags: readonly string[];
}

const NO_VARY: readonly (readonly [string, string | undefined])[] = [];

/**
 * The `@trpc/server` versions the adapter works with (its `peerDependencies`): 11.10 is the
 * first to hand middlewares `batchIndex`, which a call's HTTP record is filed under.
 */
const SUPPORTED_TRPC_SERVER = '^11.10.0';

function ok(data: unknown): MiddlewareResult<object> {
  return { ok: true, data, marker: middlewareMarker };
}

function ignoreEtag(): void {}

/**
 * The `X-Cache` status of a served result. A miss whose value was never encoded for storing —
 * refused by its response (`Set-Cookie`, `no-store`, `Vary: *`), by the codec, or by a zero ttl
 * — did not use the cache: `BYPASS`. A miss the store failed to keep (fail-open) or an
 * invalidation fenced out was encoded (it has its ETag): `MISS`. A stream's miss has no ETag yet
 * (it is encoded when it completes) and so reads `BYPASS`; no header ever shows it, since only
 * a jsonl request (which gets no cache headers) or a server-side caller reads a stream.
 */
function statusOf(loaded: LoadResult<unknown>): CacheStatus {
  if (loaded.status !== 'MISS') return loaded.status;
  return loaded.etag === undefined ? 'BYPASS' : 'MISS';
}

/** What one call's loader leaves for the rest of `run`: the resolver's own ETag, if it set one. */
interface LoadTrace {
  etag: string | undefined;
  /** Only for an engine that rejects: whether answering uncached would run the resolver twice. */
  ranResolver: boolean;
}

/**
 * A rejection for who the caller is, from below the cache of a public route: the check runs on
 * a miss only, so a hit serves the entry to a caller it would have rejected.
 */
function warnIfAuthBelowCache(result: MiddlewareResult<object>, path: string): void {
  if (result.ok) return;
  const { code } = result.error;
  if (code !== 'UNAUTHORIZED' && code !== 'FORBIDDEN') return;
  warnOnce(
    'ROUTECACHE_AUTH_BELOW_CACHE',
    `"${path}" was rejected with ${code} below its cache: the check runs on a miss only, so a hit skips it for the next caller; move .use(cacheMiddleware(…)) after the auth middleware, or declare scope: 'private'`,
    path,
  );
}

/**
 * Whether the call's transport reads a query's stream: a server-side caller (no request) or a
 * jsonl request (httpBatchStreamLink). A non-streaming link (httpLink, httpBatchLink, wsLink)
 * makes tRPC refuse the stream without reading it, so a fill opened for it would wait for nothing.
 */
function readsStream(state: RequestCacheState | undefined): boolean {
  const headers = state?.requestHeaders;
  return headers === undefined || isStreamedRequest(headers);
}

/**
 * What the cache middleware does on each call; one instance per `cacheMiddleware(options)`.
 *
 * A query is one `cache.call` (keying, single-flight, stale serving, fail-open). Its loader
 * runs the rest of the chain (`next()`) and returns a failed result as a failure, which the
 * cache passes back untouched (never stored) and which is returned as is. A resolver's stream is the engine's to fill (one lookup, the fence
 * taken before the resolver runs); what comes back — the stream, or a replay of a stored one —
 * is served as is.
 *
 * @internal
 * @example
 * ```ts
 * const call = new CachedCall(cache, resolveRouteOptions({ ttl: 60 }, {}), undefined);
 * const middleware = (opts) => call.run(opts);
 * ```
 */
export class CachedCall {
  /** The route's entry policy, resolved once. */
  private readonly policy: EntryPolicy;
  /** Whether the route's tags come from a function (else a static list). */
  private readonly dynamicTags: boolean;
  /** Per procedure path: the tags stored with every entry (static tags + path tags), or the path tags alone for a tags function. */
  private readonly tagsByPath = new Map<string, readonly string[]>();

  constructor(
    private readonly cache: Cache,
    private readonly options: ResolvedRouteOptions,
    private readonly principalOf: ((ctx: unknown) => unknown) | undefined,
    private readonly transport: CacheSetup['transport'],
  ) {
    const { ttl, staleWhileRevalidate, staleIfError } = options;
    this.dynamicTags = typeof options.tags === 'function';
    this.policy = {
      ...(ttl === undefined ? {} : { ttl }),
      ...(staleWhileRevalidate === undefined ? {} : { staleWhileRevalidate }),
      ...(staleIfError === undefined ? {} : { staleIfError }),
    };
  }

  async run(opts: CacheMiddlewareCallOptions<unknown, unknown>): Promise<MiddlewareResult<object>> {
    const state = requestStateOf(opts.ctx);
    this.assertUsable(opts, state);
    // Without the context the cache cannot see a Set-Cookie: never store an HTTP call's result.
    if (state === undefined && this.isHttpWithoutContext(opts)) {
      this.cache.bypassed(opts.path, 'no-context');
      return this.next(opts);
    }
    const principal = this.principalFor(opts);
    // Private by default: only a route declared public is shared by callers with a principal.
    const scope = this.options.scope ?? (principal === undefined ? 'public' : 'private');
    // The declared tags, reported to the client (Routecache-Tags) also when served uncached.
    const served: Served = {
      scope,
      tags: routeTags(this.options, opts.path, opts.input, opts.ctx),
    };
    // No one to key a private entry by: never share it, serve it uncached.
    if (scope === 'private' && principal === undefined) {
      this.cache.bypassed(opts.path, 'no-principal');
      return this.uncached(opts, state, served);
    }
    const trace: LoadTrace = { etag: undefined, ranResolver: false };
    const request = this.callRequest(opts, state, served, principal, trace);
    let answer: CallResult<unknown, MiddlewareResult<object>>;
    try {
      answer = await this.cache.call(request);
    } catch (error) {
      // The cache itself failed before running this call's resolver: fail open, answer uncached.
      if (trace.ranResolver) throw error;
      this.cache.bypassed(opts.path, 'cache-error');
      return this.uncached(opts, state, served);
    }
    return this.answer(opts, state, served, request, answer);
  }

  /** The caller's principal key, unless the route is public or the cache has no `principal`. */
  private principalFor(opts: CacheMiddlewareCallOptions<unknown, unknown>): string | undefined {
    if (this.options.scope === 'public' || this.principalOf === undefined) return undefined;
    return principalKey(this.principalOf(opts.ctx), opts.path);
  }

  /**
   * The call as the engine takes it: the key parts, variant, tags (declared and `@path`),
   * policy, stream limits, the response's say over storing, the host's `waitUntil`, and a loader
   * that runs the rest of the chain and returns a failed tRPC result as a failure.
   */
  private callRequest(
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
    { scope, tags }: Served,
    principal: string | undefined,
    trace: LoadTrace,
  ): CallRequest<unknown, MiddlewareResult<object>> {
    const { options } = this;
    return {
      route: opts.path,
      input: opts.input,
      key: routeCustomKey(options, opts.path, opts.input, opts.ctx),
      namespace: options.namespace,
      variant: this.variantOf(state, scope === 'private' ? principal : undefined),
      tags: this.entryTags(opts.path, tags),
      load: async () => {
        trace.ranResolver = true;
        // An ETag the resolver gives its result with setETag(ctx, tag).
        const result = await this.next(opts, (tag) => {
          trace.etag = tag;
        });
        return result.ok ? { ok: true, value: result.data } : { ok: false, failure: result };
      },
      cacheable: (_value, kind) =>
        (kind === 'value' || readsStream(state)) && this.responseAllowsStoring(state, scope),
      etag: () => trace.etag ?? responseEtag(state),
      stream: options.stream,
      waitUntil: state?.waitUntil,
      // Spread last: with the spread first, V8 built this object on a slow path (measured about
      // 25% fewer hits per CPU second).
      ...this.policy,
    };
  }

  /** Turn the engine's answer into the middleware's result, recording the call's status. */
  private answer(
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
    served: Served,
    request: CallRequest<unknown, unknown>,
    answer: CallResult<unknown, MiddlewareResult<object>>,
  ): MiddlewareResult<object> | Promise<MiddlewareResult<object>> {
    if (answer.outcome === 'unkeyable') {
      // Too deep, cyclic, too large, an unknown class: the call is served, only not cached.
      warnOnce(
        'ROUTECACHE_UNKEYABLE_INPUT',
        `"${opts.path}" was served uncached (BYPASS): ${answer.error.message}`,
        `${opts.path}\u0000${answer.error.reason}`,
      );
      return this.uncached(opts, state, served);
    }
    if (answer.outcome === 'failed') {
      // The resolver ran and failed (or a middleware after the cache rejected): nothing stored,
      // and no status (a batch shows the call as BYPASS).
      if (served.scope === 'public') warnIfAuthBelowCache(answer.failure, opts.path);
      return answer.failure;
    }
    // tRPC refuses a stream on a non-streaming link: that call fails, and a failed call has no
    // status (a stored stream's HIT and ETag must not reach the error response).
    if (answer.kind === 'stream' && !readsStream(state)) return ok(answer.value);
    const { etag, maxAge } = answer;
    const stored = etag !== undefined;
    const keys =
      stored && served.scope === 'public' ? this.surrogateKeysOf(state, request) : undefined;
    this.report(state, opts, statusOf(answer), etag, maxAge, stored, served, keys);
    return ok(answer.value);
  }

  /** Serve the call without the cache: `BYPASS` when it succeeds. */
  private async uncached(
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
    served: Served,
  ): Promise<MiddlewareResult<object>> {
    const result = await this.next(opts);
    if (result.ok) this.report(state, opts, 'BYPASS', undefined, 0, false, served);
    return result;
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

  /** The variant: the route's vary header values and the principal of a private route. */
  private variantOf(state: RequestCacheState | undefined, principal: string | undefined): string {
    const { vary } = this.options;
    // Most routes vary on nothing: no per-call list to build.
    if (vary.length === 0) return principal === undefined ? '' : deriveVariant(NO_VARY, principal);
    const headers = state?.requestHeaders;
    return deriveVariant(
      vary.map((name) => [name, headers?.get(name) ?? undefined] as const),
      principal,
    );
  }

  /**
   * Placements that cannot work, reported on the first call (a middleware cannot see its
   * procedure's type or chain before it runs).
   */
  private assertUsable(
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
  ): void {
    if (typeof opts.batchIndex !== 'number') {
      // Older tRPC: every record would be filed under `undefined` and every cache header lost.
      throw new ConfigurationError(
        `cacheMiddleware on "${opts.path}" needs @trpc/server ${SUPPORTED_TRPC_SERVER}: this tRPC passes middlewares no batchIndex, so no cache header could be sent; upgrade @trpc/server`,
        { context: { path: opts.path, required: SUPPORTED_TRPC_SERVER } },
      );
    }
    if (opts.type !== 'query') {
      throw new ConfigurationError(
        `cacheMiddleware caches queries only; "${opts.path}" is a ${opts.type}`,
        { context: { path: opts.path, type: opts.type } },
      );
    }
    if (this.options.vary.length > 0 && state?.requestHeaders === undefined) {
      throw new ConfigurationError(
        `"${opts.path}" varies on request headers, which need createContext: withCacheContext(createContext)`,
        { context: { path: opts.path, option: 'vary' } },
      );
    }
  }

  /**
   * Run the rest of the chain. Nothing after the cache may read the raw input (an `.input()`
   * there, or a middleware reading it, would make the result depend on what the key never saw),
   * and a resolver may give its result an ETag with `setETag(ctx, tag)`.
   */
  private next(
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    onEtag: (tag: string) => void = ignoreEtag,
  ): Promise<MiddlewareResult<object>> {
    return opts.next({ ctx: etagSinkContext(onEtag), getRawInput: refuseRawInput(opts.path) });
  }

  /**
   * Whether a call that carries no cache context came over HTTP, its glue missing. The declared
   * `transport` decides; without one a `signal` does: tRPC's HTTP adapters always pass one, a
   * server-side caller (`createCaller`, React Server Components) only when given one.
   */
  private isHttpWithoutContext(opts: CacheMiddlewareCallOptions<unknown, unknown>): boolean {
    const http =
      this.transport === undefined ? opts.signal !== undefined : this.transport === 'http';
    if (http) {
      warnOnce(
        'ROUTECACHE_NO_CACHE_CONTEXT',
        `"${opts.path}" was called over HTTP without routecache's context, so it is served uncached (the cache cannot see a Set-Cookie there). Wrap createContext in withCacheContext(…) and the handler in withHttpCache / withNodeHttpCache, or use createCachedHTTPServer. For a server-side caller given a signal, declare createCacheMiddleware(cache, { transport: 'server' })`,
      );
    }
    return http;
  }

  /** Response headers a resolver set (`Set-Cookie`, `Vary: *`, `no-store`) can forbid storing. */
  private responseAllowsStoring(
    state: RequestCacheState | undefined,
    scope: 'public' | 'private',
  ): boolean {
    const headers = state?.responseHeaders;
    if (headers === undefined || isCacheableResponse(headers, { scope })) return true;
    if (headers.get('set-cookie') !== null) {
      warnOnce('ROUTECACHE_SET_COOKIE_NOT_CACHED', 'a response setting a cookie was not cached');
    }
    return false;
  }

  private report(
    state: RequestCacheState | undefined,
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    status: CallRecord['status'],
    etag: string | undefined,
    freshness: number,
    cacheable: boolean,
    { scope, tags }: Served,
    surrogateKeys?: readonly string[],
  ): void {
    if (state === undefined) return;
    const { maxAge, sMaxAge, staleWhileRevalidate, staleIfError, vary } = this.options;
    state.record(opts.batchIndex, {
      path: opts.path,
      tags,
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
