import { type Cache, ConfigurationError, InvalidOptionError } from '@routecache/core';
import { assertUserTag, PATH_TAG_PREFIX } from '@routecache/core/adapter';
import type { AnyTRPCRouter } from '@trpc/server';
import {
  type CachedRoute,
  getCachedRoute,
  listCachedRoutes,
  procedureMiddlewares,
} from './introspect.js';
import { createInvalidates, makeTarget, procedureTarget, routerTarget } from './invalidates.js';
import type {
  InvalidatesFactory,
  InvalidationTarget,
  ProcedureTarget,
  TargetSpec,
} from './invalidation.js';
import { CACHE_MIDDLEWARE } from './middleware.js';

/**
 * Keys and invalidation for the cached procedures of one router, by path and *raw* input (what a
 * client sends). The typed module `routecache codegen` emits is a thin facade over these.
 */
export interface RouteHelpers {
  /**
   * The base key the cache middleware of `path` stores the call `(rawInput, ctx)` under. Every
   * variant (vary headers, private principal) of that call shares it.
   *
   * @throws {ConfigurationError} when `path` is not a cached procedure of the router.
   */
  keyOf(path: string, rawInput: unknown, ctx?: unknown): Promise<string>;
  /**
   * Remove every variant of the entry of the call `(rawInput, ctx)` of `path`; resolves to the
   * number of entries removed.
   *
   * @throws {ConfigurationError} when `path` is not a cached procedure of the router.
   */
  invalidate(path: string, rawInput: unknown, ctx?: unknown): Promise<number>;
  /**
   * Invalidate `tag` once in each distinct cache of `paths` (the procedures declaring it);
   * resolves to the number of entries removed.
   *
   * @throws {ConfigurationError} when one of `paths` is not a cached procedure of the router.
   */
  invalidateTag(tag: string, paths: readonly string[]): Promise<number>;
  /**
   * The `invalidates` middleware factory for this router's mutations (the generated module
   * re-exports it): `resolve({ input, ctx, data })` runs after the mutation succeeded and names
   * targets; their server entries are removed (every variant; a call by its base key, a
   * procedure or sub-router by its path tag `@path`, a tag in every cache of the router) and
   * the response says what was named (`Routecache-Invalidate`). The mutation's result and type
   * are unchanged; a failed invalidation is reported (`ROUTECACHE_INVALIDATION_FAILED`), never
   * turned into a failed response. A call target's key is computed with the mutation's ctx.
   *
   * @throws {ConfigurationError} when `resolve` is not a function, and on a call of a query or
   *   subscription.
   */
  readonly invalidates: InvalidatesFactory;
  /**
   * A procedure as a target: every call of `path` as is, one call when called with a raw input.
   */
  procedure<TInput>(path: string): ProcedureTarget<TInput>;
  /** A sub-router as a target (every cached procedure under `path`), carrying `children`. */
  router<TChildren extends object>(
    path: string,
    children: TChildren,
  ): TChildren & InvalidationTarget;
  /**
   * A tag as a target: every entry carrying it, in every cache of the router.
   *
   * @throws {ConfigurationError} when `name` starts with `@` (routecache's path tags).
   */
  tag(name: string): InvalidationTarget;
}

/** An `.input()` validator as tRPC stores it among a procedure's middlewares. */
type InputStep = ((opts: {
  input: unknown;
  getRawInput: () => Promise<unknown>;
  next: (opts: { input: unknown }) => Promise<{ ok: true }>;
}) => Promise<unknown>) & { _type?: string };

/**
 * A router, or a function returning it. Pass the function when the module creating the helpers
 * is imported by the router's own modules (a mutation invalidating a query): in that import cycle
 * the router is not defined yet when the helpers are created, only when they are first called.
 */
export type RouterSource = AnyTRPCRouter | (() => AnyTRPCRouter);

/**
 * Route helpers for a router: keys and invalidation by procedure path and raw input.
 *
 * Before a call, the lazy routers on the path are loaded, and the raw input goes through the
 * procedure's own `.input()` validators that run before its cache middleware, in order, so
 * defaults, transforms and stripped fields are exactly what the middleware keys on. The key
 * itself comes from {@link getCachedRoute} (the middleware's own function, custom `key` included).
 *
 * @param source - The app's tRPC router (the one the server serves), or a function returning it
 *   (read on first call; see {@link RouterSource}).
 * @throws {InvalidOptionError} (`router`) when `source` is not (or, for a function, does not
 *   return) a tRPC router; for a function, on first call.
 * @example
 * ```ts
 * const helpers = createRouteHelpers(appRouter);
 * await helpers.keyOf('users.get', { id: 42, junk: 'x' }); // the key of { id: 42 }
 * await helpers.invalidate('users.get', { id: 42 });       // 1: entries removed
 * await helpers.invalidateTag('users', ['users.get', 'users.list']);
 * // Declared invalidation on a mutation (the generated module wraps these):
 * const users = helpers.router('users', { get: helpers.procedure<{ id: number }>('users.get') });
 * t.procedure.input(z.object({ id: z.number() })).use(helpers.invalidates(({ input }) => [users.get({ id: input.id }), users]));
 * // In a module the router imports (an import cycle):
 * const cyclic = createRouteHelpers(() => appRouter);
 * ```
 */
export function createRouteHelpers(source: RouterSource): RouteHelpers {
  const access = new RouterAccess(source);
  const helpers: RouteHelpers = Object.freeze({
    async keyOf(path: string, rawInput: unknown, ctx?: unknown): Promise<string> {
      const route = await access.loadedRoute(path);
      return route.baseKey(await access.parsedInput(path, rawInput), ctx);
    },
    async invalidate(path: string, rawInput: unknown, ctx?: unknown): Promise<number> {
      const route = await access.loadedRoute(path);
      return route.invalidate(await access.parsedInput(path, rawInput), ctx);
    },
    async invalidateTag(tag: string, paths: readonly string[]): Promise<number> {
      const routes = await Promise.all(paths.map((path) => access.loadedRoute(path)));
      let removed = 0;
      for (const cache of new Set(routes.map((route) => route.cache))) {
        removed += await cache.invalidateTags([tag]);
      }
      return removed;
    },
    invalidates: createInvalidates((specs, ctx) => access.removeEntries(specs, ctx, helpers)),
    procedure: <TInput>(path: string) => procedureTarget<TInput>(path),
    router: routerTarget,
    tag(name: string): InvalidationTarget {
      assertUserTag(name, 'tag(…)');
      return makeTarget({ kind: 'tag', tag: name });
    },
  });
  return helpers;
}

/**
 * The router the helpers work on, resolved once (lazily for a function source: the router's own
 * files may import the generated module), and what they read from it.
 */
class RouterAccess {
  #resolved: AnyTRPCRouter | undefined;

  constructor(private readonly source: RouterSource) {
    if (typeof source !== 'function') this.#resolved = checkedRouter(source);
  }

  router(): AnyTRPCRouter {
    const { source } = this;
    this.#resolved ??= checkedRouter(typeof source === 'function' ? source() : source);
    return this.#resolved;
  }

  /**
   * Load the lazy routers `wanted` picks. A lazy router adds its procedures (and its own lazy
   * routers) to the root once loaded, and leaves `_def.lazy`; so load until none is left.
   */
  async loadLazy(wanted: (prefix: string) => boolean): Promise<AnyTRPCRouter> {
    const router = this.router();
    while (true) {
      const prefix = Object.keys(router._def.lazy).find(wanted);
      const loader = prefix === undefined ? undefined : router._def.lazy[prefix];
      if (loader === undefined) return router;
      await loader.load();
    }
  }

  /** The distinct caches of the cached procedures at or under `path` (all of them without). */
  async cachesUnder(path: string | undefined): Promise<Set<Cache>> {
    const under = (p: string) => path === undefined || p === path || p.startsWith(`${path}.`);
    const router = await this.loadLazy(
      (prefix) => under(prefix) || path?.startsWith(`${prefix}.`) === true,
    );
    const caches = new Set(
      listCachedRoutes(router)
        .filter((route) => under(route.path))
        .map((route) => route.cache),
    );
    if (caches.size === 0 && path !== undefined) {
      throw new ConfigurationError(
        `No cached procedure at or under "${path}"; run \`routecache codegen\` again`,
        { context: { path } },
      );
    }
    return caches;
  }

  /** Remove the server entries the targets name: calls by base key, the rest by tag per cache. */
  async removeEntries(
    specs: readonly TargetSpec[],
    ctx: unknown,
    helpers: RouteHelpers,
  ): Promise<void> {
    const work: Promise<number>[] = [];
    const tagsByCache = new Map<Cache, Set<string>>();
    for (const spec of specs) {
      if (spec.kind === 'call') {
        work.push(helpers.invalidate(spec.path, spec.input, ctx));
        continue;
      }
      const tag = spec.kind === 'path' ? PATH_TAG_PREFIX + spec.path : spec.tag;
      for (const cache of await this.cachesUnder(spec.kind === 'path' ? spec.path : undefined)) {
        const tags = tagsByCache.get(cache) ?? new Set();
        tagsByCache.set(cache, tags.add(tag));
      }
    }
    for (const [cache, tags] of tagsByCache) work.push(cache.invalidateTags([...tags]));
    await Promise.all(work);
  }

  async loadedRoute(path: string): Promise<CachedRoute> {
    const router = await this.loadLazy((prefix) => path.startsWith(`${prefix}.`));
    const route = getCachedRoute(router, path);
    if (route === undefined) {
      throw new ConfigurationError(
        `"${path}" is not a cached procedure of this router; run \`routecache codegen\` again`,
        { context: { path } },
      );
    }
    return route;
  }

  async parsedInput(path: string, rawInput: unknown): Promise<unknown> {
    let input: unknown;
    for (const step of procedureMiddlewares(this.router(), path)) {
      if (typeof step !== 'function') continue;
      // The key is the input as the cache middleware sees it; a validator after it is refused
      // on every call (placement.ts), so none follows in a working procedure.
      if (CACHE_MIDDLEWARE in step) break;
      const validator = step as InputStep;
      if (validator._type !== 'input') continue;
      // Run the validator as tRPC does (it merges object outputs of stacked `.input()`s itself)
      // and keep what it hands to `next`: the input the following middleware sees.
      await validator({
        input,
        getRawInput: async () => rawInput,
        next: async (next) => {
          input = next.input;
          return { ok: true };
        },
      });
    }
    return input;
  }
}

function checkedRouter(router: AnyTRPCRouter): AnyTRPCRouter {
  const def = (router as Partial<AnyTRPCRouter> | undefined)?._def;
  if (typeof def?.procedures !== 'object' || typeof def.lazy !== 'object') {
    throw new InvalidOptionError('router', 'must be a tRPC router (t.router(…))');
  }
  return router;
}
