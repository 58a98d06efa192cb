import type { CallRecord } from './request-state.js';

/**
 * The `Cache-Status` value of one response (RFC 9211): one `routecache` member, since the field
 * lists one member per cache on the path (a CDN in front appends its own). Per call:
 *
 * | `X-Cache` | `Cache-Status`                 |
 * | --------- | ------------------------------ |
 * | `HIT`     | `routecache; hit; ttl=<s>`     |
 * | `STALE`   | `routecache; fwd=stale`        |
 * | `MISS`    | `routecache; fwd=miss; stored` |
 * | `BYPASS`  | `routecache; fwd=bypass`       |
 *
 * A batch: `hit` (with the smallest `ttl`) only when every call hit; `fwd=partial` when some
 * calls were served from the cache (hit or stale) and some were not; `fwd=stale` when all were
 * served from it and some stale; otherwise `fwd=miss; stored` when some call missed, or
 * `fwd=bypass` when nothing used the cache. A call whose resolver failed, or that no cache
 * middleware handled, counts as a bypass. `stored` means what `MISS` means: the result was
 * encoded for the store (a store failing open is reported by the `storeError` event, not here).
 * The per-call detail stays in `X-Cache`.
 *
 * @internal
 * @example
 * ```ts
 * cacheStatus([{ status: 'HIT', ttl: 42 }, { status: 'HIT', ttl: 7 }]); // 'routecache; hit; ttl=7'
 * cacheStatus([{ status: 'HIT', ttl: 42 }, { status: 'MISS' }]);      // 'routecache; fwd=partial'
 * ```
 */
export function cacheStatus(
  calls: readonly (Pick<CallRecord, 'status' | 'ttl'> | undefined)[],
): string {
  let hits = 0;
  let stale = 0;
  let misses = 0;
  let ttl = Number.POSITIVE_INFINITY;
  for (const call of calls) {
    if (call?.status === 'HIT') {
      hits++;
      ttl = Math.min(ttl, call.ttl ?? 0);
    } else if (call?.status === 'STALE') stale++;
    else if (call?.status === 'MISS') misses++;
  }
  if (hits === calls.length) return `routecache; hit; ttl=${ttl}`;
  const fromCache = hits + stale;
  if (fromCache === calls.length) return 'routecache; fwd=stale';
  if (fromCache > 0) return 'routecache; fwd=partial';
  if (misses > 0) return 'routecache; fwd=miss; stored';
  return 'routecache; fwd=bypass';
}
