import { type Cache, ConfigurationError } from '@routecache/core';
import type { KeyRequest } from '@routecache/core/adapter';
import type { ResolvedRouteOptions } from './options.js';

/**
 * The base key of one call of a cached route: the cache's root namespace, the route's namespace,
 * then either the route's custom `key({ input, ctx, path })` or the procedure path plus the
 * canonical parsed input. Every variant (vary headers, private principal) of a call shares it,
 * so `cache.invalidate(baseKey)` drops them all.
 *
 * The middleware, `getCachedRoute(...).baseKey` and generated codegen helpers all call this one
 * function, so they can never disagree on a key.
 *
 * @internal
 * @example
 * ```ts
 * routeBaseKey(cache, options, 'users.get', { id: '1' }, ctx); // e.g. 'app:users.get:…'
 * ```
 */
export function routeBaseKey(
  cache: Cache,
  options: ResolvedRouteOptions,
  path: string,
  input: unknown,
  ctx: unknown,
): string {
  const custom = options.key?.({ input, ctx, path });
  if (options.key !== undefined && (typeof custom !== 'string' || custom.length === 0)) {
    // A key function that returns nothing would collapse every input onto one entry.
    throw new ConfigurationError(`The key function of "${path}" must return a non-empty string`, {
      context: { option: 'key', path, returned: typeof custom },
    });
  }
  // Built in place: this runs on every call, hits included.
  const request: KeyRequest = { route: path, input };
  if (custom !== undefined) request.key = custom;
  if (options.namespace !== undefined) request.namespace = options.namespace;
  return cache.keyFor(request);
}

/**
 * The tags of one call: the route's static list, or what its `tags` function returns.
 *
 * @internal
 * @example
 * ```ts
 * routeTags(options, { id: '1' }, ctx); // ['user:1']
 * ```
 */
export function routeTags(
  options: ResolvedRouteOptions,
  input: unknown,
  ctx: unknown,
): readonly string[] {
  const { tags } = options;
  if (tags === undefined) return [];
  return typeof tags === 'function' ? tags({ input, ctx }) : tags;
}
