import type { Cache } from '@routecache/core';
import type { ResolvedRouteOptions } from '@routecache/core/adapter';
import { routeBaseKey } from '@routecache/core/adapter';
import type { AnyTRPCRouter } from '@trpc/server';
import { CACHE_MIDDLEWARE, type CacheMiddlewareMarker } from './middleware.js';

/**
 * A cached procedure found in a router at run time: what codegen and invalidation helpers need.
 * `baseKey` and `invalidate` compute the key with the very function the middleware uses
 * (including the route's own `key` function), so they always hit the middleware's entries.
 *
 * @example
 * ```ts
 * const route: CachedRoute | undefined = getCachedRoute(appRouter, 'users.get');
 * route?.baseKey({ id: '42' });
 * ```
 */
export interface CachedRoute {
  /** The procedure path, e.g. `users.get`. */
  readonly path: string;
  readonly cache: Cache;
  /** The route's validated options (static `tags` are a literal list). */
  readonly options: ResolvedRouteOptions;
  /**
   * The base key the middleware uses for `input` (the *parsed* input). `ctx` is only needed by
   * a custom `key` function that reads it.
   */
  baseKey(input: unknown, ctx?: unknown): string;
  /** Remove every variant (vary values, principals) of that key; resolves to the count removed. */
  invalidate(input: unknown, ctx?: unknown): Promise<number>;
}

interface ProcedureLike {
  _def: { middlewares?: readonly unknown[] };
}

/**
 * The cached procedure at `path`, or `undefined` when there is none or it has no cache
 * middleware.
 *
 * @example
 * ```ts
 * const route = getCachedRoute(appRouter, 'users.get');
 * await route?.invalidate({ id: '42' }); // 1, then 0
 * ```
 */
export function getCachedRoute(router: AnyTRPCRouter, path: string): CachedRoute | undefined {
  const marker = markerOf(procedureMiddlewares(router, path));
  return marker === undefined ? undefined : cachedRoute(path, marker);
}

/**
 * The middlewares of the procedure at `path` in chain order (tRPC keeps `.input()` validators
 * among them, marked `_type: 'input'`); empty when there is no such procedure (yet: a lazy
 * router adds its procedures once loaded).
 *
 * @internal Shared by introspection and the route helpers; not part of the public surface.
 * @example
 * ```ts
 * procedureMiddlewares(appRouter, 'users.get').some((m) => CACHE_MIDDLEWARE in m); // true
 * ```
 */
export function procedureMiddlewares(router: AnyTRPCRouter, path: string): readonly unknown[] {
  const procedures = router._def.procedures as Record<string, unknown>;
  // Own properties only: `toString` and friends are not procedures.
  if (!Object.hasOwn(procedures, path)) return [];
  return (procedures[path] as ProcedureLike | undefined)?._def?.middlewares ?? [];
}

/**
 * Every cached procedure of a router (nested routers included), sorted by path. Procedures of a
 * lazy router appear once it has loaded (`router._def.lazy[prefix].load()`).
 *
 * @example
 * ```ts
 * for (const route of listCachedRoutes(appRouter)) console.log(route.path, route.options.tags);
 * ```
 */
export function listCachedRoutes(router: AnyTRPCRouter): CachedRoute[] {
  const routes: CachedRoute[] = [];
  for (const path of Object.keys(router._def.procedures).sort()) {
    const marker = markerOf(procedureMiddlewares(router, path));
    if (marker !== undefined) routes.push(cachedRoute(path, marker));
  }
  return routes;
}

/**
 * Whether a cache middleware of the chain runs before one of its `.input()` validators (tRPC
 * marks those `_type: 'input'`): its key would not cover the input that validator adds.
 *
 * @internal
 * @example
 * ```ts
 * cacheRunsBeforeInput(procedure._def.middlewares); // true for .input(A).use(cache).input(B)
 * ```
 */
export function cacheRunsBeforeInput(middlewares: readonly unknown[]): boolean {
  let cached = false;
  for (const middleware of middlewares) {
    if (typeof middleware !== 'function') continue;
    if (CACHE_MIDDLEWARE in middleware) cached = true;
    else if (cached && (middleware as { _type?: unknown })._type === 'input') return true;
  }
  return false;
}

function markerOf(middlewares: readonly unknown[]): CacheMiddlewareMarker | undefined {
  for (const middleware of middlewares) {
    if (typeof middleware === 'function' && CACHE_MIDDLEWARE in middleware) {
      return (middleware as { [CACHE_MIDDLEWARE]: CacheMiddlewareMarker })[CACHE_MIDDLEWARE];
    }
  }
  return undefined;
}

function cachedRoute(path: string, { cache, options }: CacheMiddlewareMarker): CachedRoute {
  return Object.freeze({
    path,
    cache,
    options,
    baseKey: (input: unknown, ctx?: unknown) => routeBaseKey(cache, options, path, input, ctx),
    invalidate: (input: unknown, ctx?: unknown) =>
      cache.invalidate(routeBaseKey(cache, options, path, input, ctx)),
  });
}
