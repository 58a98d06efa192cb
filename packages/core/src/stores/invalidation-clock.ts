import { LRUCache } from 'lru-cache';
import type { Fence } from './types.js';

// Base keys and tags share one history; prefixes keep a tag from matching a base key of the same text.
const BASE_PREFIX = 'b\u0000';
const TAG_PREFIX = 't\u0000';

/** A fence of the memory store: the clock reading when it was taken. */
class ClockFence {
  constructor(
    readonly clock: InvalidationClock,
    readonly at: number,
  ) {}
}

/**
 * Fences for an in-process store, in bounded memory.
 *
 * A single monotonically increasing clock ticks on every invalidation. Each invalidated base key
 * or tag remembers the tick at which it was last invalidated, in an LRU of `history` names. A
 * fence is the clock reading when it was taken; a fill may commit only if nothing on its address
 * was invalidated after that reading.
 *
 * Why not a generation counter per key: counters of keys that no longer hold entries would have
 * to live forever (or a fill could resurrect data after its counter was dropped). Here memory is
 * bounded by `history`, and forgetting is safe: when a name falls out of the LRU, its tick raises
 * a `floor`, and every fence older than the floor is refused. The trade-off is a spurious refusal
 * (one fill not stored) when more than `history` distinct names are invalidated while a fill is in
 * flight — never a resurrected entry.
 *
 * @example
 * ```ts
 * const clock = new InvalidationClock(10_000);
 * const fence = clock.fence();
 * clock.invalidateBaseKey('users.get:1');
 * clock.admits(fence, 'users.get:1', []); // false
 * ```
 */
export class InvalidationClock {
  #now = 0;
  /** Fences taken before this tick are refused (a forgotten name or a clear). */
  #floor = 0;
  readonly #last: LRUCache<string, number>;

  constructor(history: number) {
    this.#last = new LRUCache<string, number>({
      max: history,
      dispose: (tick, _name, reason) => {
        if (reason === 'evict' && tick > this.#floor) this.#floor = tick;
      },
    });
  }

  /** Snapshot the clock. */
  fence(): Fence {
    return new ClockFence(this, this.#now);
  }

  /** Record that `baseKey` is invalidated now. */
  invalidateBaseKey(baseKey: string): void {
    this.#last.set(BASE_PREFIX + baseKey, ++this.#now);
  }

  /** Record that every tag in `tags` is invalidated now. */
  invalidateTags(tags: readonly string[]): void {
    const tick = ++this.#now;
    for (const tag of tags) this.#last.set(TAG_PREFIX + tag, tick);
  }

  /** Invalidate everything: every fence taken before now is refused. */
  invalidateAll(): void {
    this.#floor = ++this.#now;
    // Every remembered tick is now below the floor, so the names carry no more information.
    this.#last.clear();
  }

  /** Whether a fill fenced by `fence` may commit to an entry under `baseKey` carrying `tags`. */
  admits(fence: Fence, baseKey: string, tags: readonly string[]): boolean {
    // A fence from another store carries no snapshot of this one: refuse rather than guess.
    if (!(fence instanceof ClockFence) || fence.clock !== this) return false;
    const at = fence.at;
    // Fast path: nothing was invalidated since the fence was taken.
    if (at === this.#now) return true;
    if (at < this.#floor) return false;
    if (this.#invalidatedAfter(BASE_PREFIX + baseKey, at)) return false;
    for (const tag of tags) if (this.#invalidatedAfter(TAG_PREFIX + tag, at)) return false;
    return true;
  }

  #invalidatedAfter(name: string, at: number): boolean {
    const tick = this.#last.peek(name);
    return tick !== undefined && tick > at;
  }
}
