import type { Context, MiddlewareOptions } from '@orpc/server';
import { type Cache, ConfigurationError } from '@routecache/core';
import {
  type AdapterCall,
  type CacheMiddlewareOptions,
  type CacheSetup,
  type CallBinding,
  type ResolvedRouteOptions,
  type RouteKeyFunctions,
  routeCaches,
} from '@routecache/core/adapter';

/**
 * The marker every middleware made by `cacheMiddleware(options)` carries, so {@link routeKeys}
 * finds a procedure's cache through `procedure['~orpc'].middlewares`.
 *
 * @example
 * ```ts
 * const marker = procedure['~orpc'].middlewares.find((fn) => CACHE_MIDDLEWARE in fn)?.[CACHE_MIDDLEWARE];
 * ```
 */
export const CACHE_MIDDLEWARE: unique symbol = Symbol.for('routecache.orpc.cacheMiddleware');

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
  readonly options: ResolvedRouteOptions;
}

/**
 * An oRPC middleware that caches a procedure's output. Pass it to `.use(...)` after `.input()`
 * and after any auth middleware. It adds nothing to the context.
 *
 * @example
 * ```ts
 * const postCache = cacheMiddleware({ ttl: 60 });
 * os.input(PostId).use(postCache).handler(({ input }) => db.posts.get(input.id));
 * ```
 */
export interface CacheMiddlewareFunction<TCtx, TInput> extends RouteKeyFunctions<TCtx, TInput> {
  <TOutput>(
    // biome-ignore lint/suspicious/noExplicitAny: oRPC's own wildcard for the error map and meta
    options: MiddlewareOptions<TCtx & Context, TOutput, any, any>,
    input: TInput,
  ): Promise<{ output: TOutput; context: Record<never, never> }>;
  readonly [CACHE_MIDDLEWARE]: CacheMiddlewareMarker;
}

/**
 * The `cacheMiddleware` factory returned by {@link createCacheMiddleware}; `TInput` and `TCtx`
 * are inferred from the procedure it is passed to.
 *
 * @example
 * ```ts
 * const cacheMiddleware: CacheMiddlewareFactory = createCacheMiddleware(cache);
 * ```
 */
export type CacheMiddlewareFactory = <TInput = unknown, TCtx = unknown>(
  options?: CacheMiddlewareOptions<TInput, TCtx>,
) => CacheMiddlewareFunction<TCtx, TInput>;

/** One call as core's cache step takes it: oRPC's options, its parsed input and dotted path. */
interface OrpcCall extends AdapterCall {
  // biome-ignore lint/suspicious/noExplicitAny: oRPC's own wildcard for the error map and meta
  readonly options: MiddlewareOptions<Context, unknown, any, any>;
  readonly self: object;
}

/**
 * oRPC's side of core's cache step. oRPC's `next` throws a failure (an `ORPCError`), so the
 * binding catches it as the loader's failure (never stored; `staleIfError` may serve a stale
 * entry instead) and rethrows it. An event iterator is refused: a replay cannot carry its
 * events' `id`/`retry` metadata nor honour a reconnecting client's `Last-Event-ID`.
 */
const orpcBinding: CallBinding<OrpcCall, { output: unknown; context: Record<never, never> }> = {
  async next(call, context) {
    try {
      const { output } = await call.options.next({ context });
      if (isAsyncIterator(output)) await refuseEventIterator(call.path, output);
      return { ok: true, value: output };
    } catch (failure) {
      if (failure instanceof ConfigurationError) throw failure;
      return { ok: false, failure };
    }
  },
  served: (_call, output) => ({ output, context: {} }),
  failed: (_call, failure) => {
    throw failure;
  },
  errorCode: (failure) => (failure as { code?: unknown } | null)?.code,
  assertUsable({ options, path, self }) {
    const def = options.procedure['~orpc'];
    const index = def.middlewares.indexOf(self as never);
    if (index === -1 || index < def.inputValidationIndex) {
      throw new ConfigurationError(
        `cacheMiddleware on "${path}" ${index === -1 ? 'is wrapped (a mapInput?)' : 'runs before .input()'}: its key would not be the parsed input. Place .use(cacheMiddleware(…)) after .input(…), without mapInput`,
        { context: { path } },
      );
    }
  },
  glue: 'new CachePlugin() in the plugins of the RPCHandler / OpenAPIHandler',
};

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return (
    typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] ===
    'function'
  );
}

async function refuseEventIterator(path: string, iterator: AsyncIterator<unknown>): Promise<never> {
  await iterator.return?.();
  throw new ConfigurationError(
    `cacheMiddleware on "${path}" got an event iterator, which it does not cache: a replay would lose each event's id/retry metadata and ignore a reconnecting client's Last-Event-ID. Remove the cache from streaming procedures`,
    { context: { path } },
  );
}

/**
 * Bind a cache (and options shared by every route, such as how to find the principal of a
 * private route) and get the `cacheMiddleware` factory for oRPC procedures.
 *
 * The middleware caches a procedure's output by its dotted path and its **parsed** input (or a
 * custom `key`), with the options and semantics of `@routecache/trpc`'s: `ttl`, `namespace`,
 * `key`, `vary`, `tags`, `scope` (private per principal by default), `staleWhileRevalidate`,
 * `staleIfError`, `maxAge`, `sMaxAge`. On a hit the handler and every middleware after the cache
 * are skipped; middlewares before it (auth) run on every call, so put it after them and after
 * `.input()`. Errors are never cached; a store failure is a miss. Over HTTP it needs
 * {@link CachePlugin} in the handler's plugins (without it: served uncached, one
 * `ROUTECACHE_NO_CACHE_CONTEXT` warning); a server-side `call(…)` without a `signal` caches
 * without it.
 *
 * @throws {InvalidOptionError} for an invalid setup or route option (the error names it).
 * @throws {ConfigurationError} on a call of a route placed before `.input()` or wrapped with
 *   `mapInput`, of a `vary` route without the plugin, whose `principal` is no string or number,
 *   or whose handler returns an event iterator.
 * @example
 * ```ts
 * const cache = createCache({ namespace: 'app' });
 * const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user?.id });
 *
 * export const router = {
 *   post: authed
 *     .input(z.object({ id: z.string() }))
 *     .use(cacheMiddleware({ ttl: 60, tags: ['posts'] }))
 *     .handler(({ input }) => db.posts.get(input.id)),
 * };
 * ```
 */
export function createCacheMiddleware<TSetupCtx = unknown>(
  cache: Cache,
  setup: CacheSetup<TSetupCtx> = {},
): CacheMiddlewareFactory {
  const routeFor = routeCaches(cache, setup, orpcBinding);
  return function cacheMiddleware<TInput, TCtx>(
    options: CacheMiddlewareOptions<TInput, TCtx> = {},
  ): CacheMiddlewareFunction<TCtx, TInput> {
    const route = routeFor(options);
    const middleware = Object.assign(
      // biome-ignore lint/suspicious/noExplicitAny: oRPC's own wildcard for the error map and meta
      (callOptions: MiddlewareOptions<TCtx & Context, unknown, any, any>, input: TInput) =>
        route.call.run({
          path: callOptions.path.join('.'),
          input,
          ctx: callOptions.context,
          batchIndex: 0,
          signal: callOptions.signal,
          options: callOptions as OrpcCall['options'],
          self: middleware,
        }),
      { [CACHE_MIDDLEWARE]: route.marker, ...route.keys },
    );
    return middleware as unknown as CacheMiddlewareFunction<TCtx, TInput>;
  };
}
