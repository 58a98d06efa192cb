import {
  type Cache,
  ConfigurationError,
  deriveVariant,
  isCacheableResponse,
  type LoadResult,
  warnOnce,
} from '@routecache/core';
import type { ProcedureType } from '@trpc/server';
import { type MiddlewareResult, middlewareMarker } from '@trpc/server/unstable-core-do-not-import';
import {
  type CacheMiddlewareOptions,
  type CacheSetup,
  type ResolvedRouteOptions,
  resolveRouteOptions,
} from './options.js';
import type { CallRecord, RequestCacheState } from './request-state.js';
import { requestStateOf } from './request-state.js';
import { routeBaseKey, routeTags } from './route-key.js';
import { isAsyncIterable, looksLikeStreamRecord, replayStream, teeIntoFill } from './stream.js';

/**
 * The marker every middleware made by `cacheMiddleware(options)` carries, so tools (codegen,
 * {@link getCachedRoute}) can find cached procedures at run time through
 * `router._def.procedures[path]._def.middlewares`.
 *
 * @example
 * ```ts
 * const marker = procedure._def.middlewares.find((fn) => CACHE_MIDDLEWARE in fn)?.[CACHE_MIDDLEWARE];
 * ```
 */
export const CACHE_MIDDLEWARE: unique symbol = Symbol.for('routecache.trpc.cacheMiddleware');

/** The value under {@link CACHE_MIDDLEWARE}: the cache and the route's validated options. */
export interface CacheMiddlewareMarker {
  readonly cache: Cache;
  /** The validated options (frozen; static `tags` are a literal list codegen can read). */
  readonly options: ResolvedRouteOptions;
}

/** What the cache middleware receives from tRPC (the subset it uses). */
export interface CacheMiddlewareCallOptions<TCtx, TInput> {
  ctx: TCtx;
  input: TInput;
  path: string;
  type: ProcedureType;
  getRawInput: () => Promise<unknown>;
  batchIndex: number;
  next: () => Promise<MiddlewareResult<object>>;
}

/**
 * A tRPC middleware function that caches a query's result. Pass it to `procedure.use(...)`
 * after `.input()` and after any auth middleware. It adds nothing to the context.
 */
export interface CacheMiddlewareFunction<TCtx, TInput> {
  (opts: CacheMiddlewareCallOptions<TCtx, TInput>): Promise<MiddlewareResult<object>>;
  readonly [CACHE_MIDDLEWARE]: CacheMiddlewareMarker;
  /**
   * The base key this middleware uses for a call of procedure `path` with the parsed `input`
   * (`ctx` only matters to a custom `key` function that reads it).
   *
   * @example
   * ```ts
   * const postCache = cacheMiddleware({ ttl: 60 });
   * postCache.keyFor('posts.get', { id: '1' });
   * ```
   */
  keyFor(path: string, input: TInput, ctx?: TCtx): string;
  /**
   * Remove every variant of that key (all vary values and principals); resolves to the number
   * of entries removed. Call it from a mutation after writing.
   *
   * @example
   * ```ts
   * update: t.procedure.input(Post).mutation(async ({ input }) => {
   *   await db.posts.update(input);
   *   await postCache.invalidate('posts.get', { id: input.id }); // 1 (or 0 when not cached)
   * }),
   * ```
   */
  invalidate(path: string, input: TInput, ctx?: TCtx): Promise<number>;
}

/** The `cacheMiddleware` factory returned by {@link createCacheMiddleware}. */
export type CacheMiddlewareFactory<TSetupCtx> = <
  TInput = unknown,
  TCtx extends TSetupCtx = TSetupCtx,
>(
  options?: CacheMiddlewareOptions<TInput, TCtx>,
) => CacheMiddlewareFunction<TCtx, TInput>;

type LookupRequest = Parameters<Cache['lookup']>[0];

function ok(data: unknown): MiddlewareResult<object> {
  return { ok: true, data, marker: middlewareMarker };
}

/** A miss whose resolver failed: its tRPC result travels through the cache untouched. */
class FailedCall {
  constructor(readonly result: MiddlewareResult<object>) {}
}

/** A resolver returned a stream: the first caller that takes it buffers it into the cache. */
class StreamHandoff {
  #stream: AsyncIterable<unknown, unknown> | undefined;
  constructor(stream: AsyncIterable<unknown, unknown>) {
    this.#stream = stream;
  }
  take(): AsyncIterable<unknown, unknown> | undefined {
    const stream = this.#stream;
    this.#stream = undefined;
    return stream;
  }
}

/**
 * Bind a cache (and options shared by every route, such as how to find the principal of a
 * private route) and get the `cacheMiddleware` factory for procedures.
 *
 * The middleware caches **queries** only, by the procedure path and the parsed input (or a
 * custom `key`). On a hit it returns the stored value without running the resolver or any
 * middleware after it; middlewares before it (auth, rate limits) run on every call — so put it
 * after them, and after `.input()`. Errors are never cached; a store failure is a miss (the
 * resolver still runs once). Streamed results (async iterables) are passed through chunk by
 * chunk, stored when they complete, and replayed on a hit.
 *
 * @throws {InvalidOptionError} from `cacheMiddleware(options)` when an option is invalid.
 * @throws {ConfigurationError} on the first call of a mutation or subscription, of a route
 *   placed before `.input()` that receives input, or of a `vary` route without
 *   `withCacheContext`.
 * @example
 * ```ts
 * const cache = createCache({ store: memoryStore(), namespace: 'app' });
 * const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user?.id });
 *
 * export const router = t.router({
 *   post: authed
 *     .input(z.object({ id: z.string() }))
 *     .use(cacheMiddleware({ ttl: 60, tags: ['posts'] }))
 *     .query(({ input }) => db.posts.get(input.id)),
 * });
 * ```
 */
export function createCacheMiddleware<TSetupCtx = unknown>(
  cache: Cache,
  setup: CacheSetup<TSetupCtx> = {},
): CacheMiddlewareFactory<TSetupCtx> {
  return function cacheMiddleware<TInput, TCtx extends TSetupCtx>(
    options: CacheMiddlewareOptions<TInput, TCtx> = {},
  ): CacheMiddlewareFunction<TCtx, TInput> {
    const resolved = resolveRouteOptions(
      options as CacheMiddlewareOptions<never, never>,
      setup as CacheSetup<never>,
    );
    const principalOf = setup.principal as ((ctx: unknown) => string | undefined) | undefined;
    const route = new CachedCall(cache, resolved, principalOf);
    const keyFor = (path: string, input: TInput, ctx?: TCtx) =>
      routeBaseKey(cache, resolved, path, input, ctx);
    return Object.assign(
      function cacheMiddleware(opts: CacheMiddlewareCallOptions<TCtx, TInput>) {
        return route.run(opts);
      },
      {
        [CACHE_MIDDLEWARE]: Object.freeze({ cache, options: resolved }),
        keyFor,
        invalidate: (path: string, input: TInput, ctx?: TCtx) =>
          cache.invalidate(keyFor(path, input, ctx)),
      },
    );
  };
}

/** The per-route logic of the middleware; one instance per `cacheMiddleware(options)` call. */
class CachedCall {
  constructor(
    private readonly cache: Cache,
    private readonly options: ResolvedRouteOptions,
    private readonly principalOf: ((ctx: unknown) => string | undefined) | undefined,
  ) {}

  async run(opts: CacheMiddlewareCallOptions<unknown, unknown>): Promise<MiddlewareResult<object>> {
    const { options } = this;
    if (opts.type !== 'query') {
      throw new ConfigurationError(
        `cacheMiddleware caches queries only; "${opts.path}" is a ${opts.type}`,
        { context: { path: opts.path, type: opts.type } },
      );
    }
    if (opts.input === undefined && (await opts.getRawInput()) !== undefined) {
      // Keying on the unparsed input would let undeclared fields multiply entries, and keying on
      // nothing would serve one input's result for another: refuse instead.
      throw new ConfigurationError(
        `cacheMiddleware on "${opts.path}" runs before .input(): place .use(cacheMiddleware(…)) after .input(…)`,
        { context: { path: opts.path } },
      );
    }
    const state = requestStateOf(opts.ctx);
    if (options.vary.length > 0 && state?.requestHeaders === undefined) {
      throw new ConfigurationError(
        `"${opts.path}" varies on request headers, which need createContext: withCacheContext(createContext)`,
        { context: { path: opts.path, option: 'vary' } },
      );
    }
    const principal = this.principalOf?.(opts.ctx);
    const scope = options.scope ?? 'public';
    if (options.scope === undefined && principal !== undefined) {
      warnOnce(
        'ROUTECACHE_PRIVATE_WITHOUT_SCOPE',
        `"${opts.path}" is cached for everyone but its caller has a principal; declare scope: 'private' (per user) or scope: 'public'`,
        opts.path,
      );
    }
    if (scope === 'private' && principal === undefined) {
      // No one to key a private entry by: never share it, serve it uncached.
      const result = await opts.next();
      this.report(state, opts.batchIndex, 'BYPASS', undefined, 0, false);
      return result;
    }
    const request = {
      baseKey: routeBaseKey(this.cache, options, opts.path, opts.input, opts.ctx),
      variant: deriveVariant(
        options.vary.map((name) => [name, state?.requestHeaders?.get(name) ?? undefined] as const),
        scope === 'private' ? principal : undefined,
      ),
      tags: routeTags(options, opts.input, opts.ctx),
      ...this.entryPolicy(),
    };

    let loaded: LoadResult<unknown>;
    try {
      loaded = await this.cache.getOrLoad({
        ...request,
        load: async () => {
          const result = await opts.next();
          if (!result.ok) throw new FailedCall(result);
          return isAsyncIterable(result.data) ? new StreamHandoff(result.data) : result.data;
        },
        cacheable: (value) =>
          !(value instanceof StreamHandoff) && this.responseAllowsStoring(state, scope),
      });
    } catch (error) {
      if (!(error instanceof FailedCall)) throw error;
      // The resolver ran and failed (or a middleware after the cache rejected): nothing stored.
      this.report(state, opts.batchIndex, 'MISS', undefined, 0, false);
      return error.result;
    }

    const { value } = loaded;
    if (value instanceof StreamHandoff) {
      return this.serveStream(request, value, opts, state);
    }
    if (loaded.status !== 'MISS' && looksLikeStreamRecord(value)) {
      return this.serveRecordShaped(request, opts, state);
    }
    this.report(
      state,
      opts.batchIndex,
      loaded.status,
      loaded.etag,
      loaded.maxAge,
      loaded.etag !== undefined,
    );
    return ok(value);
  }

  /**
   * A miss whose resolver returned a stream: tee it into a fill opened now — before the stream is
   * read, so an invalidation from here on keeps it out — and commit it when it completes.
   */
  private async serveStream(
    request: LookupRequest,
    handoff: StreamHandoff,
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
  ): Promise<MiddlewareResult<object>> {
    // A stream has one reader: a caller coalesced onto another's stream runs its own.
    let stream = handoff.take();
    if (stream === undefined) {
      const own = await opts.next();
      if (!own.ok || !isAsyncIterable(own.data)) {
        this.report(state, opts.batchIndex, 'MISS', undefined, 0, false);
        return own;
      }
      stream = own.data;
    }
    const found = await this.cache.lookup(request);
    // Headers of a streamed response are sent before it ends: it never carries an ETag.
    this.report(state, opts.batchIndex, 'MISS', undefined, 0, false);
    // Stored by someone else meanwhile: pass this stream through uncached.
    return ok(found.hit ? stream : teeIntoFill(stream, found.fill, this.options.stream));
  }

  /**
   * A hit whose value has the shape of a stream record: only the entry's kind says whether it
   * is a stream to replay or a plain value, so read the entry itself.
   */
  private async serveRecordShaped(
    request: LookupRequest,
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
  ): Promise<MiddlewareResult<object>> {
    const found = await this.cache.lookup(request);
    if (!found.hit) {
      // Invalidated in between: answer from the resolver, uncached.
      found.fill.abort();
      const own = await opts.next();
      this.report(state, opts.batchIndex, 'MISS', undefined, 0, false);
      return own;
    }
    const { entry } = found;
    this.report(state, opts.batchIndex, found.status, entry.etag, found.maxAge, true);
    const isStream = entry.kind === 'stream' && looksLikeStreamRecord(entry.value);
    return ok(isStream ? replayStream(entry.value) : entry.value);
  }

  private entryPolicy() {
    const { ttl, staleWhileRevalidate, staleIfError } = this.options;
    return {
      ...(ttl === undefined ? {} : { ttl }),
      ...(staleWhileRevalidate === undefined ? {} : { staleWhileRevalidate }),
      ...(staleIfError === undefined ? {} : { staleIfError }),
    };
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
    batchIndex: number,
    status: CallRecord['status'],
    etag: string | undefined,
    freshness: number,
    cacheable: boolean,
  ): void {
    if (state === undefined) return;
    const { maxAge, sMaxAge, staleWhileRevalidate, scope, vary } = this.options;
    state.record(batchIndex, {
      status,
      etag,
      cacheable,
      scope: scope ?? 'public',
      maxAge: maxAge === undefined ? undefined : Math.min(maxAge, freshness),
      sMaxAge: sMaxAge === undefined ? undefined : Math.min(sMaxAge, freshness),
      staleWhileRevalidate,
      vary,
    });
  }
}
