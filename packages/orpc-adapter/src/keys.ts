import {
  type AnyProcedure,
  type InferRouterInputs,
  isProcedure,
  type Lazyable,
  unlazy,
} from '@orpc/server';
import { ConfigurationError } from '@routecache/core';
import { routeBaseKey } from '@routecache/core/adapter';
import { CACHE_MIDDLEWARE, type CacheMiddlewareMarker } from './middleware.js';

/** What a cached procedure answers under `keys` (`R` = `string`) or `invalidate` (`number`). */
type Leaves<TRouter, R> = {
  readonly [K in keyof TRouter]: TRouter[K] extends Lazyable<infer U>
    ? U extends AnyProcedure
      ? (input: InferRouterInputs<U>, ctx?: unknown) => Promise<R>
      : Leaves<U, R>
    : never;
};

/**
 * Typed keys and invalidation of an oRPC router, by types alone: `keys.users.get(input)` and
 * `invalidate.users.get(input)` take the input a client sends (the procedure's input schema's
 * input type) — a renamed procedure or a wrong input is a compile error, without codegen.
 *
 * @example
 * ```ts
 * const { keys, invalidate }: RouteKeys<typeof router> = routeKeys(router);
 * await invalidate.users.get({ id: '1' });
 * ```
 */
export interface RouteKeys<TRouter> {
  /** The base key of a call (every variant of it shares it). */
  readonly keys: Leaves<TRouter, string>;
  /** Remove every variant of a call's entry; resolves to the number removed. */
  readonly invalidate: Leaves<TRouter, number>;
}

/**
 * Keys and invalidation for the cached procedures of `router`. Each call runs the procedure's
 * own input schema over the input (defaults and transforms apply as for a real call), then
 * derives the key with the route's cache middleware, exactly as the call would (`ctx` only
 * matters to a custom `key` function that reads it). Lazy sub-routers are loaded on first use.
 *
 * @throws {ConfigurationError} from a call whose path is no cached procedure of the router, or
 *   whose input the schema rejects.
 * @example
 * ```ts
 * const { keys, invalidate } = routeKeys(router);
 * await keys.posts.get({ id: '1' }); // 'app:posts.get:…'
 * // in a mutation, after writing:
 * await invalidate.posts.get({ id: input.id });
 * ```
 */
export function routeKeys<TRouter extends object>(router: TRouter): RouteKeys<TRouter> {
  const keyOf = async (path: readonly string[], raw: unknown, ctx: unknown) => {
    const dotted = path.join('.');
    const { procedure, marker } = await cachedProcedure(router, path, dotted);
    const input = await parsedInput(procedure, raw, dotted);
    return { marker, key: routeBaseKey(marker.cache, marker.options, dotted, input, ctx) };
  };
  return {
    keys: pathProxy([], async (path, input, ctx) => (await keyOf(path, input, ctx)).key),
    invalidate: pathProxy([], async (path, input, ctx) => {
      const { marker, key } = await keyOf(path, input, ctx);
      return marker.cache.invalidate(key);
    }),
  } as unknown as RouteKeys<TRouter>;
}

type Leaf = (path: readonly string[], input: unknown, ctx: unknown) => Promise<unknown>;

/** A callable whose properties extend its path: `proxy.users.get(input)` calls `leaf(['users','get'], input)`. */
function pathProxy(path: readonly string[], leaf: Leaf): unknown {
  return new Proxy((input: unknown, ctx?: unknown) => leaf(path, input, ctx), {
    get: (_target, name) =>
      typeof name === 'string' ? pathProxy([...path, name], leaf) : undefined,
  });
}

async function cachedProcedure(
  router: object,
  path: readonly string[],
  dotted: string,
): Promise<{ procedure: AnyProcedure; marker: CacheMiddlewareMarker }> {
  let node: unknown = router;
  for (const name of path) {
    node = (await unlazy(node as Lazyable<unknown>)).default;
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[name]
        : undefined;
  }
  const procedure = (await unlazy(node as Lazyable<unknown>)).default;
  const marker = isProcedure(procedure)
    ? procedure['~orpc'].middlewares.find((fn) => CACHE_MIDDLEWARE in fn)?.[CACHE_MIDDLEWARE]
    : undefined;
  if (!isProcedure(procedure) || marker === undefined) {
    throw new ConfigurationError(`"${dotted}" is not a cached procedure of the router`, {
      context: { path: dotted },
    });
  }
  return { procedure, marker: marker as CacheMiddlewareMarker };
}

async function parsedInput(procedure: AnyProcedure, raw: unknown, path: string): Promise<unknown> {
  const schema = procedure['~orpc'].inputSchema;
  if (schema === undefined) return raw;
  const result = await schema['~standard'].validate(raw);
  if (result.issues === undefined) return result.value;
  throw new ConfigurationError(`The input given for "${path}" fails its input schema`, {
    context: { path, issues: result.issues.map((issue: { message: string }) => issue.message) },
  });
}
