/**
 * Surrogate keys: the names a CDN files a cached response under, so that a purge by name removes
 * every response that carries it. routecache derives them from what it invalidates by — tags
 * (the implicit `@path` tags included) and base keys — so the HTTP glue (which emits them on a
 * response) and the purger (which purges by them on an invalidation) always agree.
 */

import { codeUnitAt } from '../code-unit.js';
import { sha256Base64Url } from '../hash.js';

/**
 * Longest surrogate key routecache emits. A tag within it that needs no escaping is used as is;
 * anything else is hashed into a key of 24 characters.
 *
 * @example
 * ```ts
 * tagSurrogateKey('x'.repeat(MAX_SURROGATE_KEY_LENGTH + 1)).length; // 24
 * ```
 */
export const MAX_SURROGATE_KEY_LENGTH = 64;

/** Bits of a hashed key's digest kept: 22 base64url characters, 132 bits. */
const DIGEST_CHARS = 22;

/**
 * Visible ASCII without the list separators of Fastly (space), Cloudflare (comma) and Varnish
 * xkey (space and comma), and without quotes and backslashes, which some CDNs' APIs escape.
 */
function isPlainKey(tag: string): boolean {
  if (tag.length === 0 || tag.length > MAX_SURROGATE_KEY_LENGTH) return false;
  for (let i = 0; i < tag.length; i++) {
    const code = codeUnitAt(tag, i);
    if (code <= 0x20 || code >= 0x7f || code === 0x2c || code === 0x22 || code === 0x5c) {
      return false;
    }
  }
  return true;
}

/**
 * The surrogate key of a tag: the tag itself when it is at most {@link MAX_SURROGATE_KEY_LENGTH}
 * characters of visible ASCII without `,`, `"` or `\`; otherwise `t:` and a hash of it. Two
 * different tags may share a hashed key only by a SHA-256 collision; a plain tag that looks like
 * a hashed one only makes a purge remove a little more.
 *
 * @example
 * ```ts
 * tagSurrogateKey('@users.get'); // '@users.get'
 * tagSurrogateKey('user 42');    // 't:…' (a space separates keys)
 * ```
 */
export function tagSurrogateKey(tag: string): string {
  return isPlainKey(tag) ? tag : `t:${sha256Base64Url(tag).slice(0, DIGEST_CHARS)}`;
}

/**
 * The surrogate key of a base key (one call: every variant of it): `k:` and a hash, so the
 * header never carries the input (which may be long or personal).
 *
 * @example
 * ```ts
 * baseKeySurrogateKey(cache.keyFor({ route: 'users.get', input: { id: 42 } })); // 'k:…'
 * ```
 */
export function baseKeySurrogateKey(baseKey: string): string {
  return `k:${sha256Base64Url(baseKey).slice(0, DIGEST_CHARS)}`;
}
