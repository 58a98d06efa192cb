import { ConfigurationError } from '../errors.js';

/**
 * The first character of every tag routecache adds itself: `@<path>` names a procedure or a
 * sub-router. User tags may not start with it.
 *
 * @example
 * ```ts
 * `${PATH_TAG_PREFIX}users`; // '@users': every cached entry under the `users` router
 * ```
 */
export const PATH_TAG_PREFIX = '@';

/**
 * The implicit tags of a cached procedure: one per prefix of its dotted path, longest first.
 * Every entry of `path` carries them beside its declared tags, so invalidating `@users`
 * drops every cached entry under the `users` router on every store (cluster included), and
 * `@users.get` every call of one procedure. The same strings are the CDN surrogate keys of paths.
 * Bounded: a router with R procedures has at most R distinct path prefixes per depth.
 *
 * @example
 * ```ts
 * pathTags('users.get'); // ['@users.get', '@users']
 * pathTags('health');    // ['@health']
 * ```
 */
export function pathTags(path: string): readonly string[] {
  const tags: string[] = [];
  for (let end = path.length; end > 0; end = path.lastIndexOf('.', end - 1)) {
    tags.push(PATH_TAG_PREFIX + path.slice(0, end));
  }
  return tags;
}

/**
 * Refuse a user tag in routecache's `@` namespace (it would alias a path tag: invalidating it
 * would drop a whole sub-router, or a sub-router invalidation would drop it).
 *
 * @internal
 * @throws {ConfigurationError} when `tag` starts with `@`.
 * @example
 * ```ts
 * assertUserTag('users', 'users.get'); // ok
 * assertUserTag('@users', 'users.get'); // throws ConfigurationError
 * ```
 */
export function assertUserTag(tag: string, where: string): void {
  if (tag.startsWith(PATH_TAG_PREFIX)) {
    throw new ConfigurationError(
      `Tag "${tag}" of ${where} starts with "${PATH_TAG_PREFIX}", which routecache reserves for path tags (${PATH_TAG_PREFIX}<procedure or router path>); rename the tag, or invalidate the path itself (routes.<path>)`,
      { context: { tag, where } },
    );
  }
}
