// Test-only helpers for the engine tests. Under __fixtures__/, so tsconfig.build.json leaves them out of dist.
import type { CacheStore } from '../../stores/types.js';
import type { Cache, CacheEventMap } from '../types.js';

/** A promise with its resolve/reject in hand, for loads a test finishes when it wants. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** @internal Test helper: a {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** @internal Test helper: record every payload of the given events, in order. */
export function record<E extends keyof CacheEventMap>(
  cache: Cache,
  ...names: E[]
): Array<{ event: E; payload: CacheEventMap[E] }> {
  const seen: Array<{ event: E; payload: CacheEventMap[E] }> = [];
  for (const event of names) cache.on(event, (payload) => seen.push({ event, payload }));
  return seen;
}

/** How a {@link brokenStore} operation misbehaves. */
export type Breakage = 'throw' | 'reject' | 'hang';

/**
 * @internal Test helper: `inner` with the listed operations broken — they throw synchronously,
 * return a rejected promise, or return a promise that never settles.
 */
export function brokenStore(
  inner: CacheStore,
  breakage: Breakage,
  operations: ReadonlyArray<'get' | 'fence' | 'set' | 'invalidate' | 'invalidateTags'>,
): CacheStore {
  const fail = (operation: string) => {
    const error = new Error(`${operation} broke`);
    if (breakage === 'throw') throw error;
    return breakage === 'reject' ? Promise.reject(error) : new Promise<never>(() => {});
  };
  const broken = new Set<string>(operations);
  return {
    name: 'broken',
    requiresBytes: inner.requiresBytes,
    get: (key) => (broken.has('get') ? fail('get') : inner.get(key)),
    fence: (address) => (broken.has('fence') ? fail('fence') : inner.fence(address)),
    set: (address, entry, fence) =>
      broken.has('set') ? fail('set') : inner.set(address, entry, fence),
    delete: (key) => inner.delete(key),
    invalidate: (baseKey) =>
      broken.has('invalidate') ? fail('invalidate') : inner.invalidate(baseKey),
    invalidateTags: (tags) =>
      broken.has('invalidateTags') ? fail('invalidateTags') : inner.invalidateTags(tags),
    clear: () => inner.clear(),
  };
}
