import type { CacheEntry, StoreInvalidation } from '../stores/types.js';
import type { Loaded } from './types.js';

/** What one fill produced, shared by every caller that joined it. */
export interface FillOutcome {
  readonly value: unknown;
  /** The kind `value` was committed as (or the kind of the entry served from another instance). */
  readonly kind: CacheEntry['kind'];
  /** The value's ETag when it was encoded (stored or not). */
  readonly etag: string | undefined;
  readonly stored: boolean;
  /** Seconds of freshness the stored entry has; 0 when not stored. */
  readonly maxAge: number;
  /**
   * Set when the load produced a stream: `value` (the stream, if any) belongs to the caller whose
   * load ran, and callers that joined this fill run their own load. Settles when the stream's
   * fill has committed or given up.
   */
  readonly streaming?: Promise<void>;
}

/**
 * A fill whose loader returned a failure ({@link Loaded} `ok: false`): nothing was stored, and
 * every caller that joined the fill gets `failure` as it is.
 */
export class FailedFill {
  constructor(readonly failure: unknown) {}
}

/** What a fill settles with. */
export type Filled = FillOutcome | FailedFill;

/** A fill in flight for one storage key. */
export interface Flight {
  readonly baseKey: string;
  readonly tags: readonly string[];
  readonly promise: Promise<Filled>;
}

/**
 * Single-flight: at most one fill per storage key at a time; concurrent misses join it.
 *
 * A flight leaves the map when it settles — or as soon as an invalidation touches its base key
 * or a tag, so callers arriving after the invalidation start a new fill instead of receiving a
 * value loaded before it (the store's fence keeps the old fill from being stored).
 *
 * @example
 * ```ts
 * const flights = new Flights();
 * const flight = flights.get(key) ?? flights.start(key, baseKey, tags, fill());
 * const outcome = await flight.promise;
 * ```
 */
export class Flights {
  readonly #byKey = new Map<string, Flight>();

  /** The fill in flight for `key`, if any. */
  get(key: string): Flight | undefined {
    return this.#byKey.get(key);
  }

  /** Register `promise`, the fill of `key` just started. The caller checked {@link Flights.get} first. */
  start(key: string, baseKey: string, tags: readonly string[], promise: Promise<Filled>): Flight {
    const flight: Flight = { baseKey, tags, promise };
    this.#byKey.set(key, flight);
    const release = () => {
      // A newer flight may own the key by now (this one was dropped by an invalidation).
      if (this.#byKey.get(key) === flight) this.#byKey.delete(key);
    };
    flight.promise.then(release, release);
    return flight;
  }

  /** Detach every flight filling a variant of `baseKey`. */
  dropBaseKey(baseKey: string): void {
    for (const [key, flight] of this.#byKey) {
      if (flight.baseKey === baseKey) this.#byKey.delete(key);
    }
  }

  /** Detach every flight whose entry carries one of `tags`. */
  dropTags(tags: readonly string[]): void {
    if (tags.length === 0) return;
    for (const [key, flight] of this.#byKey) {
      if (flight.tags.some((tag) => tags.includes(tag))) this.#byKey.delete(key);
    }
  }

  /** Detach every flight an invalidation the store reported (e.g. from another instance) touches. */
  drop(invalidation: StoreInvalidation): void {
    switch (invalidation.type) {
      case 'invalidate':
        for (const baseKey of invalidation.baseKeys) this.dropBaseKey(baseKey);
        break;
      case 'invalidateTags':
        this.dropTags(invalidation.tags);
        break;
      case 'delete':
        for (const key of invalidation.keys) this.#byKey.delete(key);
        break;
      case 'clear':
        this.clear();
        break;
    }
  }

  /** Detach every flight (their callers still get their values). */
  clear(): void {
    this.#byKey.clear();
  }
}
