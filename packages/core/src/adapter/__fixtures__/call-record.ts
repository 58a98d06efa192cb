import type { CallRecord } from '../request-state.js';

/**
 * A call record as the cache middleware reports it: a public HIT of `post.get` (no tags) with
 * ETag `"a"`, 30 s of freshness left and no opt-in directives, unless `overrides` says otherwise.
 *
 * @example
 * ```ts
 * state.record(0, callRecord({ status: 'MISS', etag: '"b"' }));
 * ```
 */
export function callRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    path: 'post.get',
    tags: [],
    status: 'HIT',
    etag: '"a"',
    cacheable: true,
    scope: 'public',
    maxAge: undefined,
    sMaxAge: undefined,
    staleWhileRevalidate: undefined,
    ttl: 30,
    vary: [],
    ...overrides,
  };
}
