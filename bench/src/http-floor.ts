/**
 * Stand-in for the shared floor (bench/src/floor.ts, written by the bench branch): a minimal
 * hand-written lru-cache tRPC middleware keyed by `path + JSON.stringify(input)`, which returns
 * the stored middleware result on a hit.
 */
import { LRUCache } from 'lru-cache';

interface FloorOptions {
  path: string;
  input: unknown;
  next: () => Promise<{ ok: boolean }>;
}

/** The floor middleware: one lru-cache per call of this factory. */
export function floorMiddleware() {
  const lru = new LRUCache<string, { ok: boolean }>({ max: 10_000 });
  return async function floor<T extends FloorOptions>(
    opts: T,
  ): Promise<Awaited<ReturnType<T['next']>>> {
    const key = opts.path + JSON.stringify(opts.input);
    const hit = lru.get(key);
    if (hit !== undefined) return hit as Awaited<ReturnType<T['next']>>;
    const result = await opts.next();
    if (result.ok) lru.set(key, result);
    return result as Awaited<ReturnType<T['next']>>;
  };
}
