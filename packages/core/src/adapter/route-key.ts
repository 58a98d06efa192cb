import type { Cache } from '../engine/types.js';
import { ConfigurationError } from '../errors.js';
import { assertUserTag } from './path-tags.js';
import type { ResolvedRouteOptions } from './route-options.js';

/**
 * The base key of one call of a cached route: the cache's root namespace, the route's namespace,
 * then either the route's custom `key({ input, ctx, path })` or the procedure path plus the
 * canonical parsed input. Every variant (vary headers, private principal) of a call shares it,
 * so `cache.invalidate(baseKey)` drops them all.
 *
 * `getCachedRoute(...).baseKey`, the middleware's `keyFor` and generated codegen helpers call
 * this; a cached call hands the same parts to `cache.call`, which derives the key the same way
 * (`cache.keyFor`), so they can never disagree on a key.
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
  const key = routeCustomKey(options, path, input, ctx);
  return cache.keyFor({ route: path, input, key, namespace: options.namespace });
}

/**
 * The route's custom key for one call (`undefined` without a `key` option).
 *
 * @internal
 * @throws {ConfigurationError} when the key function returns no non-empty string.
 * @example
 * ```ts
 * routeCustomKey(options, 'users.get', { id: '1' }, ctx); // 'user:1'
 * ```
 */
export function routeCustomKey(
  options: ResolvedRouteOptions,
  path: string,
  input: unknown,
  ctx: unknown,
): string | undefined {
  if (options.key === undefined) return undefined;
  const custom = options.key({ input, ctx, path });
  if (typeof custom !== 'string' || custom.length === 0) {
    // A key function that returns nothing would collapse every input onto one entry.
    throw new ConfigurationError(`The key function of "${path}" must return a non-empty string`, {
      context: { option: 'key', path, returned: typeof custom },
    });
  }
  return custom;
}

/** A route without tags: one shared empty list, not a new one per call. */
const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * The declared tags of one call: the route's static list (checked when the middleware was made),
 * or what its `tags` function returns, checked here.
 *
 * @internal
 * @throws {ConfigurationError} when the function returns a tag starting with `@` (routecache's
 *   path tags, see `pathTags`).
 * @example
 * ```ts
 * routeTags(options, 'users.get', { id: '1' }, ctx); // ['user:1']
 * ```
 */
export function routeTags(
  options: ResolvedRouteOptions,
  path: string,
  input: unknown,
  ctx: unknown,
): readonly string[] {
  const { tags } = options;
  if (tags === undefined) return NO_TAGS;
  if (typeof tags !== 'function') return tags;
  const computed = tags({ input, ctx });
  for (const tag of computed) assertUserTag(tag, `the tags function of "${path}"`);
  return computed;
}
