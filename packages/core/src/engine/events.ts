import { warnOnce } from '../warn.js';
import type { CacheEventMap, CacheListener } from './types.js';

type EventName = keyof CacheEventMap;

/**
 * The cache's event emitter. `listening[event]` is the listener count, checked by the engine
 * before it builds a payload, so an event nobody listens to costs one property read.
 *
 * @example
 * ```ts
 * const events = new CacheEvents();
 * const off = events.on('hit', ({ key }) => console.log(key));
 * if (events.listening.hit > 0) events.emit('hit', { key: 'k', baseKey: 'k' });
 * off();
 * ```
 */
export class CacheEvents {
  readonly listening: Record<EventName, number> = {
    hit: 0,
    miss: 0,
    stale: 0,
    coalesced: 0,
    stored: 0,
    skipped: 0,
    invalidated: 0,
    storeError: 0,
    purged: 0,
    purgeError: 0,
    evicted: 0,
  };
  readonly #listeners = new Map<EventName, Set<CacheListener<EventName>>>();

  /** Add a listener; the returned function removes it (calling it twice is harmless). */
  on<E extends EventName>(event: E, listener: CacheListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    // Wrapped so that one function registered twice is two subscriptions, each removable once.
    const subscription: CacheListener<EventName> = (payload) =>
      listener(payload as CacheEventMap[E]);
    set.add(subscription);
    this.listening[event]++;
    return () => {
      if (set.delete(subscription)) this.listening[event]--;
    };
  }

  /**
   * Emit a per-key event (`hit`, `miss`, `coalesced`, or `stale` with its reason), building its
   * payload only when someone listens: the engine's one guard instead of a copy per call site.
   */
  keyed(
    event: 'hit' | 'miss' | 'coalesced' | 'stale',
    key: string,
    baseKey: string,
    reason?: CacheEventMap['stale']['reason'],
  ): void {
    if (this.listening[event] === 0) return;
    if (event === 'stale') this.emit('stale', { key, baseKey, reason: reason ?? 'revalidate' });
    else this.emit(event, { key, baseKey });
  }

  /** Call every listener of `event`. A throwing listener is reported once and never breaks the cache. */
  emit<E extends EventName>(event: E, payload: CacheEventMap[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        listener(payload);
      } catch (error) {
        warnOnce(
          'ROUTECACHE_LISTENER_ERROR',
          `A "${event}" listener threw; the cache ignored it: ${String(error)}`,
          event,
        );
      }
    }
  }

  /** Remove every listener. */
  clear(): void {
    this.#listeners.clear();
    for (const event of Object.keys(this.listening) as EventName[]) this.listening[event] = 0;
  }
}
