import type { Cache } from '../engine/types.js';
import { type AdapterCall, CachedCall, type CallBinding } from './cached-call.js';
import { routeBaseKey } from './route-key.js';
import {
  type CacheMiddlewareOptions,
  type CacheSetup,
  type ResolvedRouteOptions,
  resolveRouteOptions,
  resolveSetup,
} from './route-options.js';

/**
 * The key functions every adapter's cache middleware carries, typed by the procedure's parsed
 * input `TInput` and context `TCtx`.
 *
 * @example
 * ```ts
 * const postCache = cacheMiddleware({ ttl: 60 });
 * await postCache.invalidate('posts.get', { id: '1' });
 * ```
 */
export interface RouteKeyFunctions<TCtx, TInput> {
  /**
   * The base key this middleware uses for a call of the procedure at `path` (dotted,
   * `posts.get`) with the parsed `input` (`ctx` only matters to a custom `key` function that
   * reads it). Every variant (vary headers, private principal) shares it.
   *
   * @example
   * ```ts
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
   * await postCache.invalidate('posts.get', { id: input.id }); // 1 (or 0 when not cached)
   * ```
   */
  invalidate(path: string, input: TInput, ctx?: TCtx): Promise<number>;
}

/**
 * One cached route as an adapter's `cacheMiddleware(options)` builds it: the cache step, the
 * marker tools find it by (the cache and the validated options, frozen), and its key functions.
 *
 * @example
 * ```ts
 * const route = routeCaches(cache, setup, binding)({ ttl: 60 });
 * const middleware = Object.assign((opts) => route.call.run(opts), route.keys);
 * ```
 */
export interface RouteCache<TCall extends AdapterCall, TResult, TCtx, TInput> {
  readonly call: CachedCall<TCall, TResult>;
  readonly marker: { readonly cache: Cache; readonly options: ResolvedRouteOptions };
  readonly keys: RouteKeyFunctions<TCtx, TInput>;
}

/**
 * Validate an adapter's setup once and get what makes each route: its options validated once
 * (a bad option throws `InvalidOptionError` naming it), one {@link CachedCall} over `binding`,
 * and its key functions ({@link routeBaseKey}: the key the call itself uses).
 *
 * @throws {InvalidOptionError} for an invalid setup, and from the returned function for an
 *   invalid route option.
 * @example
 * ```ts
 * const routeFor = routeCaches(cache, { principal: (ctx: Ctx) => ctx.user?.id }, trpcBinding);
 * const route = routeFor({ ttl: 60, tags: ['posts'] });
 * ```
 */
export function routeCaches<TCall extends AdapterCall, TResult, TSetupCtx>(
  cache: Cache,
  setup: CacheSetup<TSetupCtx>,
  binding: CallBinding<TCall, TResult>,
): <TInput, TCtx>(
  options: CacheMiddlewareOptions<TInput, TCtx>,
) => RouteCache<TCall, TResult, TCtx, TInput> {
  const { transport } = resolveSetup(setup);
  const principalOf = setup.principal as ((ctx: unknown) => unknown) | undefined;
  return <TInput, TCtx>(options: CacheMiddlewareOptions<TInput, TCtx>) => {
    const resolved = resolveRouteOptions(
      options as CacheMiddlewareOptions<never, never>,
      setup as CacheSetup<never>,
    );
    const keyFor = (path: string, input: TInput, ctx?: TCtx) =>
      routeBaseKey(cache, resolved, path, input, ctx);
    return {
      call: new CachedCall(cache, resolved, principalOf, transport, binding),
      marker: Object.freeze({ cache, options: resolved }),
      keys: {
        keyFor,
        invalidate: (path: string, input: TInput, ctx?: TCtx) =>
          cache.invalidate(keyFor(path, input, ctx)),
      },
    };
  };
}
