import { MAX_DELTA_SECONDS } from './cache-control.js';

/**
 * What one call (one procedure result) allows downstream HTTP caches to do with it.
 * The adapter records one per call; {@link strictestCacheControl} folds them per response.
 *
 * @example
 * ```ts
 * const call: CallCachePolicy = { cacheable: true, scope: 'private', maxAge: undefined };
 * strictestCacheControl([call]); // 'private, no-cache'
 * ```
 */
export interface CallCachePolicy {
  /** `false` when the call must not be stored anywhere (not cached, bypassed, failed…). */
  cacheable: boolean;
  /** `'private'` when the result belongs to one principal; browsers may keep it, CDNs must not. */
  scope: 'public' | 'private';
  /**
   * Seconds a browser may reuse the response without asking (`max-age`).
   * `undefined` = revalidate every time (`no-cache`): an invalidation is seen at once and an
   * unchanged result costs a 304.
   */
  maxAge: number | undefined;
  /** Seconds a shared cache (CDN) may reuse the response (`s-maxage`); public calls only. */
  sMaxAge?: number | undefined;
  /** Seconds a stale response may be served while it is refetched (`stale-while-revalidate`). */
  staleWhileRevalidate?: number | undefined;
  /** Seconds a stale response may be served when the origin fails (`stale-if-error`); CDN only. */
  staleIfError?: number | undefined;
}

/**
 * The `Cache-Control` value of one HTTP response carrying `calls` (a tRPC batch may hold several):
 * the strictest policy any of them allows (RFC 9111 §5.2.2).
 *
 * 1. `no-store` when the list is empty or any call is not cacheable.
 * 2. `private` first when any call is private. `s-maxage` is then dropped: shared caches must not
 *    store a private response anyway.
 * 3. `max-age=<min>` only when **every** call set `maxAge`; otherwise `no-cache` — the browser
 *    stores the response and revalidates with `If-None-Match` each time (the default for a
 *    cached GET). `s-maxage=<min>` likewise needs every call to set `sMaxAge`; if it is present
 *    without `max-age`, `max-age=0` replaces `no-cache`, because `no-cache` would also force
 *    shared caches to revalidate and void the `s-maxage`.
 * 4. `stale-while-revalidate=<min>` when every call set it and a lifetime was emitted.
 *
 * `public` is **never** emitted: `s-maxage` already lets shared caches store the response
 * (RFC 9111 §3.5), and `public` would additionally let a CDN store and replay a response to a
 * request carrying `Authorization` — serving it to clients the auth middleware would reject.
 *
 * Lifetimes that are not finite non-negative numbers count as not set (the stricter reading);
 * fractions are floored and values are capped at 2^31 (RFC 9111 §1.2.2).
 *
 * @example
 * ```ts
 * strictestCacheControl([{ cacheable: true, scope: 'public', maxAge: undefined }]);  // 'no-cache'
 * strictestCacheControl([{ cacheable: true, scope: 'private', maxAge: undefined }]); // 'private, no-cache'
 * strictestCacheControl([
 *   { cacheable: true, scope: 'public', maxAge: 60 },
 *   { cacheable: true, scope: 'public', maxAge: 30 },
 * ]); // 'max-age=30'
 * strictestCacheControl([{ cacheable: true, scope: 'public', maxAge: undefined, sMaxAge: 300 }]);
 * // 'max-age=0, s-maxage=300'
 * strictestCacheControl([{ cacheable: false, scope: 'public', maxAge: 60 }]); // 'no-store'
 * ```
 */
export function strictestCacheControl(calls: readonly CallCachePolicy[]): string {
  // One pass, no intermediate lists: it runs for every response that has cache headers.
  let isPrivate = false;
  for (const call of calls) {
    if (!call.cacheable) return 'no-store';
    if (call.scope === 'private') isPrivate = true;
  }
  if (calls.length === 0) return 'no-store';
  const maxAge = minOverAll(calls, 'maxAge');
  const sMaxAge = isPrivate ? undefined : minOverAll(calls, 'sMaxAge');

  let value = isPrivate ? 'private, ' : '';
  if (maxAge !== undefined) value += `max-age=${maxAge}`;
  else if (sMaxAge !== undefined) value += 'max-age=0';
  else return `${value}no-cache`;
  if (sMaxAge !== undefined) value += `, s-maxage=${sMaxAge}`;
  const swr = minOverAll(calls, 'staleWhileRevalidate');
  if (swr !== undefined) value += `, stale-while-revalidate=${swr}`;
  return value;
}

/**
 * The `CDN-Cache-Control` (RFC 9213) value of one response carrying `calls`, also used as its
 * `Surrogate-Control`: what a CDN may do, independently of what browsers see in
 * `Cache-Control`. `max-age=<min sMaxAge>` only when **every** call is cacheable, public and set
 * `sMaxAge`; then `stale-while-revalidate=<min>` and `stale-if-error=<min>` when every call set
 * them. Anything else is `no-store`: a private call, an uncacheable one, or one that leaves
 * shared caches out must keep the whole response out of the CDN (RFC 9213 §2: a CDN that
 * honours the field ignores `Cache-Control`, so `no-store` cannot be left implicit).
 *
 * @example
 * ```ts
 * strictestCdnCacheControl([{ cacheable: true, scope: 'public', maxAge: undefined, sMaxAge: 300, staleIfError: 60 }]);
 * // 'max-age=300, stale-if-error=60'
 * strictestCdnCacheControl([{ cacheable: true, scope: 'private', maxAge: 60 }]); // 'no-store'
 * ```
 */
export function strictestCdnCacheControl(calls: readonly CallCachePolicy[]): string {
  if (calls.length === 0 || calls.some((call) => !call.cacheable || call.scope === 'private')) {
    return 'no-store';
  }
  const sMaxAge = minOverAll(calls, 'sMaxAge');
  if (sMaxAge === undefined) return 'no-store';
  const directives = [`max-age=${sMaxAge}`];
  const swr = minOverAll(calls, 'staleWhileRevalidate');
  if (swr !== undefined) directives.push(`stale-while-revalidate=${swr}`);
  const sie = minOverAll(calls, 'staleIfError');
  if (sie !== undefined) directives.push(`stale-if-error=${sie}`);
  return directives.join(', ');
}

/** The smallest lifetime when every call set a valid one, else `undefined`. */
function minOverAll(
  calls: readonly CallCachePolicy[],
  lifetime: 'maxAge' | 'sMaxAge' | 'staleWhileRevalidate' | 'staleIfError',
): number | undefined {
  let min = MAX_DELTA_SECONDS;
  for (const call of calls) {
    const seconds = call[lifetime];
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
    min = Math.min(min, Math.floor(seconds));
  }
  return min;
}
