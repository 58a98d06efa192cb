import type { Cache } from '@routecache/core';
import {
  CachedCall,
  type CacheMiddlewareOptions,
  type CacheSetup,
  type ResolvedRouteOptions,
  resolveRouteOptions,
  resolveSetup,
  routeBaseKey,
} from '@routecache/core/adapter';
import type { ProcedureType } from '@trpc/server';
import type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';
import { trpcBinding } from './binding.js';

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

/**
 * The value under {@link CACHE_MIDDLEWARE}: the cache and the route's validated options.
 *
 * @example
 * ```ts
 * const { cache, options } = postCache[CACHE_MIDDLEWARE];
 * ```
 */
export interface CacheMiddlewareMarker {
  readonly cache: Cache;
  /** The validated options (frozen; static `tags` are a literal list codegen can read). */
  readonly options: ResolvedRouteOptions;
}

/**
 * What the cache middleware receives from tRPC (the subset it uses).
 *
 * @example
 * ```ts
 * await postCache({ ctx, input, path: 'posts.get', type: 'query', getRawInput, batchIndex: 0, next });
 * ```
 */
export interface CacheMiddlewareCallOptions<TCtx, TInput> {
  ctx: TCtx;
  input: TInput;
  path: string;
  type: ProcedureType;
  getRawInput: () => Promise<unknown>;
  batchIndex: number;
  /** tRPC's HTTP adapters always pass one; a server-side caller only when given one. */
  signal?: AbortSignal | undefined;
  next: (opts?: {
    ctx?: object;
    getRawInput?: () => Promise<unknown>;
  }) => Promise<MiddlewareResult<object>>;
}

/**
 * A tRPC middleware function that caches a query's result. Pass it to `procedure.use(...)`
 * after `.input()` and after any auth middleware. It adds nothing to the context.
 *
 * @example
 * ```ts
 * const postCache = cacheMiddleware({ ttl: 60 });
 * t.procedure.input(PostId).use(postCache).query(({ input }) => db.posts.get(input.id));
 * ```
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

/**
 * The `cacheMiddleware` factory returned by {@link createCacheMiddleware}. `TInput` and `TCtx`
 * are inferred from the procedure it is passed to; a middleware made apart from a procedure
 * (`const postCache = cacheMiddleware({...})`) sees them as `unknown`, so it fits any procedure.
 * `TCtx` is deliberately not tied to the setup's context type: tRPC hands middlewares a
 * re-mapped context (`{ a?: T | undefined }` for `{ a?: T }`), which such a tie would reject
 * under `exactOptionalPropertyTypes`.
 *
 * @example
 * ```ts
 * const cacheMiddleware: CacheMiddlewareFactory = createCacheMiddleware(cache);
 * ```
 */
export type CacheMiddlewareFactory = <TInput = unknown, TCtx = unknown>(
  options?: CacheMiddlewareOptions<TInput, TCtx>,
) => CacheMiddlewareFunction<TCtx, TInput>;

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
 * Called over HTTP, it needs routecache's glue: `withCacheContext` on `createContext` (without
 * it the call is served uncached, with one `ROUTECACHE_NO_CACHE_CONTEXT` warning) and a handler
 * wrapper for the headers. A server-side caller (`createCaller` without a `signal`) caches
 * without them; `setup.transport` declares which one a call without that context is.
 *
 * @throws {InvalidOptionError} when `setup.principal` is not a function or `setup.transport` is
 *   not `'http'` / `'server'`, and from
 *   `cacheMiddleware(options)` when an option is invalid (the error names it).
 * @throws {ConfigurationError} on the first call of a mutation or subscription, on every call
 *   of a route placed before an `.input()` of its procedure, and on the first call of a `vary`
 *   route without `withCacheContext`; on a call whose `principal` is neither a non-empty string
 *   nor a finite number (nor `undefined`/`null`/`''`); on every call under `@trpc/server` older
 *   than 11.10 (no `batchIndex`: the cache headers would be lost).
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
): CacheMiddlewareFactory {
  const { transport } = resolveSetup(setup);
  return function cacheMiddleware<TInput, TCtx>(
    options: CacheMiddlewareOptions<TInput, TCtx> = {},
  ): CacheMiddlewareFunction<TCtx, TInput> {
    const resolved = resolveRouteOptions(
      options as CacheMiddlewareOptions<never, never>,
      setup as CacheSetup<never>,
    );
    const principalOf = setup.principal as ((ctx: unknown) => unknown) | undefined;
    const route = new CachedCall(cache, resolved, principalOf, transport, trpcBinding);
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
