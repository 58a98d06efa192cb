/**
 * A value or a promise of it. Stores return plain values when they can answer synchronously.
 *
 * @example
 * ```ts
 * function get(key: string): MaybePromise<CacheEntry | undefined> {
 *   return memory.get(key) ?? redis.get(key); // sync when it can, a promise when it must
 * }
 * ```
 */
export type MaybePromise<T> = T | Promise<T>;
