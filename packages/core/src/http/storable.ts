import { parseCacheControl } from './cache-control.js';
import { isToken } from './syntax.js';
import { parseVaryHeader } from './vary.js';

/**
 * Options of {@link isCacheableResponse}.
 *
 * @example
 * ```ts
 * isCacheableResponse(headers, { scope: 'private' }); // Cache-Control: private is allowed
 * ```
 */
export interface CacheableResponseOptions {
  /**
   * Where the response would be stored. `'public'`: one entry shared by every user, so
   * `Cache-Control: private` forbids it (RFC 9111 §5.2.2.7). `'private'`: an entry keyed by the
   * principal, which `private` allows.
   * @default 'public'
   */
  scope?: 'public' | 'private';
}

/**
 * Whether a response may be stored by routecache, judged from the headers the handler and
 * middlewares set (RFC 9111 §3). `false` when:
 *
 * - `Set-Cookie` is present — a cookie meant for one client must never be replayed to another;
 * - `Vary` contains `*` (RFC 9110 §12.5.5), or a member that is not a valid field name (the
 *   variant cannot be keyed reliably, so the safe answer is not to store);
 * - `Cache-Control` has `no-store`, or `private` when the storage is shared (the default scope).
 *
 * `no-cache` does not prevent storing: it only requires revalidation, which routecache's ETags
 * provide.
 *
 * @example
 * ```ts
 * isCacheableResponse(new Headers({ 'cache-control': 'no-cache' }));             // true
 * isCacheableResponse(new Headers({ vary: '*' }));                               // false
 * isCacheableResponse(new Headers({ 'cache-control': 'private' }));              // false
 * isCacheableResponse(new Headers({ 'cache-control': 'private' }), { scope: 'private' }); // true
 * isCacheableResponse(new Headers({ 'set-cookie': 'sid=1' }));                   // false
 * ```
 */
export function isCacheableResponse(
  headers: { get(name: string): string | null },
  options: CacheableResponseOptions = {},
): boolean {
  if (headers.get('set-cookie') !== null) return false;
  for (const name of parseVaryHeader(headers.get('vary'))) {
    if (!isToken(name) || name === '*') return false;
  }
  const directives = parseCacheControl(headers.get('cache-control'));
  if (directives.noStore) return false;
  return !(directives.private && (options.scope ?? 'public') === 'public');
}
