/**
 * The floor every tRPC row is measured against (issue 13): the least a response cache can do as a
 * tRPC middleware — an lru-cache keyed by `path + JSON.stringify(input)` holding tRPC's own
 * middleware result, with no headers, no scopes, no tags, no TTL, no single-flight. One shared
 * implementation, so every section's "floor" row is the same code.
 */
import type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';
import { LRUCache } from 'lru-cache';

/** What the floor reads of tRPC's middleware options (tRPC passes more; it fits). */
export interface FloorCall {
  path: string;
  input: unknown;
  next: () => Promise<MiddlewareResult<object>>;
}

/** A tRPC middleware function (`procedure.use(floor)`), plus the cache it fills. */
export interface FloorMiddleware {
  (opts: FloorCall): Promise<MiddlewareResult<object>>;
  readonly lru: LRUCache<string, MiddlewareResult<object>>;
}

/**
 * A floor middleware over a fresh lru-cache of `max` entries. Works under `createCaller` and over
 * HTTP (`createHTTPServer`, `fetchRequestHandler`): it needs no context of its own. Failed
 * results are not stored.
 *
 * @example
 * ```ts
 * const floor = createFloorMiddleware();
 * const router = t.router({
 *   post: t.procedure.input(parsePostId).use(floor).query(({ input }) => db.posts.get(input.id)),
 * });
 * await t.createCallerFactory(router)({}).post({ id: 1 }); // miss: runs the resolver
 * await t.createCallerFactory(router)({}).post({ id: 1 }); // hit: the stored result
 * ```
 */
export function createFloorMiddleware(max = 10_000): FloorMiddleware {
  const lru = new LRUCache<string, MiddlewareResult<object>>({ max });
  async function floorMiddleware(opts: FloorCall): Promise<MiddlewareResult<object>> {
    const key = opts.path + JSON.stringify(opts.input);
    const hit = lru.get(key);
    if (hit !== undefined) return hit;
    const result = await opts.next();
    if (result.ok) lru.set(key, result);
    return result;
  }
  return Object.assign(floorMiddleware, { lru });
}
