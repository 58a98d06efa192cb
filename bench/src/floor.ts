/**
 * The floor of the tRPC rows: a minimal hand-written lru-cache middleware keyed by
 * `path + JSON.stringify(input)` (what a user would write in ten lines, with no key safety, no
 * single-flight, no headers). Interim copy until the `bench` branch lands its shared one.
 */
import type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';
import { LRUCache } from 'lru-cache';

interface FloorOptions<TCtx> {
  ctx: TCtx;
  path: string;
  input: unknown;
  next: () => Promise<MiddlewareResult<object>>;
}

/**
 * A floor middleware with its own LRU; `extra` adds what the key must also hold (a principal,
 * a header value).
 *
 * @example
 * ```ts
 * t.procedure.input(Input).use(floorMiddleware()).query(resolve);
 * ```
 */
export function floorMiddleware<TCtx>(extra?: (ctx: TCtx) => string) {
  const lru = new LRUCache<string, MiddlewareResult<object>>({ max: 10_000 });
  return async ({ ctx, path, input, next }: FloorOptions<TCtx>) => {
    const key = path + (extra === undefined ? '' : `\u0000${extra(ctx)}`) + JSON.stringify(input);
    const hit = lru.get(key);
    if (hit !== undefined) return hit;
    const result = await next();
    if (result.ok) lru.set(key, result);
    return result;
  };
}
