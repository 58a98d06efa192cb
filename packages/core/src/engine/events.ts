import type { StoreError } from '../errors.js';
import type { EntryAddress, EvictionReason } from '../stores/types.js';
import { warnOnce } from '../warn.js';
import type { CacheEventMap, CacheListener, StoreLayer } from './types.js';

type EventName = keyof CacheEventMap;

/** The events whose payload carries `lookupMs`: a lookup reads the clock only while one is heard. */
const TIMED: ReadonlySet<EventName> = new Set<EventName>(['hit', 'miss', 'stale', 'coalesced']);

/** The time since `started`, a `performance.now()` (0: nobody timed it). */
function since(started: number): number {
  return started === 0 ? 0 : performance.now() - started;
}

/**
 * The cache's event emitter. `listening[event]` is the listener count. The engine reports through
 * the named methods ({@link CacheEvents.keyed}, {@link CacheEvents.stored}, …), each of which
 * checks it before building a payload, so an event nobody listens to costs one property read:
 * the one guard, instead of an `if (listening.x > 0)` at every call site.
 *
 * @example
 * ```ts
 * const events = new CacheEvents();
 * const off = events.on('hit', ({ route, layer }) => console.log(route, layer));
 * const started = events.startLookup();
 * events.keyed('hit', 'k', 'k', 'users.get', 'L1', started);
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
    filled: 0,
    bypass: 0,
    storeError: 0,
    purged: 0,
    purgeError: 0,
    evicted: 0,
  };
  /** Listeners of the lookup events that carry a duration ({@link CacheEvents.startLookup}). */
  #timed = 0;
  readonly #listeners = new Map<EventName, Set<CacheListener<EventName>>>();

  /**
   * The start of a lookup, for its events' `lookupMs`: `performance.now()` while a lookup event
   * is heard, else `0` without reading the clock.
   */
  startLookup(): number {
    return this.#timed === 0 ? 0 : performance.now();
  }

  /**
   * The start of a store call, for its `storeError`'s `durationMs`: `performance.now()` while
   * `storeError` is heard, else `0` without reading the clock.
   */
  startStoreCall(): number {
    return this.listening.storeError === 0 ? 0 : performance.now();
  }

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
    const timed = TIMED.has(event) ? 1 : 0;
    this.#timed += timed;
    return () => {
      if (!set.delete(subscription)) return;
      this.listening[event]--;
      this.#timed -= timed;
    };
  }

  /**
   * Emit a lookup event (`hit`, `miss`, `coalesced`, or `stale` with its reason) of the call of
   * `route` that `started` ({@link CacheEvents.startLookup}) and that `layer` answered, building
   * its payload only when someone listens: the engine's one guard instead of a copy per call site.
   */
  keyed(
    event: 'hit' | 'miss' | 'coalesced' | 'stale',
    key: string,
    baseKey: string,
    route: string | undefined,
    layer: StoreLayer,
    started: number,
    reason?: CacheEventMap['stale']['reason'],
  ): void {
    if (this.listening[event] === 0) return;
    const lookupMs = since(started);
    if (event === 'stale') {
      this.emit('stale', { key, baseKey, route, layer, lookupMs, reason: reason ?? 'revalidate' });
    } else this.emit(event, { key, baseKey, route, layer, lookupMs });
  }

  /** A fill of `route` that started at `started` (`performance.now()`) ended with `outcome`. */
  filled(
    address: EntryAddress,
    route: string | undefined,
    started: number,
    outcome: CacheEventMap['filled']['outcome'],
  ): void {
    const fillMs = performance.now() - started;
    this.emit('filled', { key: address.key, baseKey: address.baseKey, route, fillMs, outcome });
  }

  /** A call of `route` was served without the cache, for `reason`. */
  bypass(route: string, reason: CacheEventMap['bypass']['reason']): void {
    if (this.listening.bypass === 0) return;
    this.emit('bypass', { route, reason });
  }

  /** A fill of `route` stored its entry of `size` bytes. */
  stored(address: EntryAddress, size: number, route: string | undefined): void {
    if (this.listening.stored === 0) return;
    this.emit('stored', { key: address.key, baseKey: address.baseKey, size, route });
  }

  /** A fill served its value but stored nothing, for `reason`. */
  skipped(address: EntryAddress, reason: CacheEventMap['skipped']['reason']): void {
    if (this.listening.skipped === 0) return;
    this.emit('skipped', { key: address.key, baseKey: address.baseKey, reason });
  }

  /** An invalidation of `baseKeys` or `tags` removed `removed` entries (`tags` is copied). */
  invalidated(baseKeys: readonly string[], tags: readonly string[], removed: number): void {
    if (this.listening.invalidated === 0) return;
    this.emit('invalidated', { baseKeys, tags: [...tags], removed });
  }

  /** The store's `layer` (undefined: the store did not say) evicted `key`. */
  evicted(key: string, reason: EvictionReason, layer: StoreLayer | undefined): void {
    if (this.listening.evicted === 0) return;
    this.emit('evicted', { key, reason, layer });
  }

  /**
   * A store call that `started` ({@link CacheEvents.startStoreCall}) failed; `false` when nobody
   * listens (the caller then warns instead).
   */
  storeError(operation: string, error: StoreError, started: number): boolean {
    if (this.listening.storeError === 0) return false;
    this.emit('storeError', { operation, error, durationMs: since(started) });
    return true;
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
    this.#timed = 0;
    for (const event of Object.keys(this.listening) as EventName[]) this.listening[event] = 0;
  }
}
