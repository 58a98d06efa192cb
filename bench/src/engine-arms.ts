/**
 * The engine-hit arms shared by the engine and input-size sections and the callgrind probe, in a
 * module of their own: a section loads only what it measures (see main.ts).
 */
import { createCache, memoryStore } from '@routecache/core';
import { LRUCache } from 'lru-cache';

/** The engine sections' call: route, input and the value its entry holds. */
export const ENGINE_ROUTE = 'users.get';
export const ENGINE_INPUT = { userId: 42, include: ['profile', 'teams'] };
export const ENGINE_VALUE = {
  id: 42,
  name: 'Ada',
  teams: [{ id: 1, name: 'core' }],
  createdAt: new Date(0),
};

/** The name of the floor-in-a-promise arm in the engine sections' tables. */
export const FLOOR_IN_PROMISE = 'lru-cache get + JSON.stringify key, in a promise';

/**
 * The arms of an engine hit for `input`, warmed: the floor (`lru.get(JSON.stringify(key))`), the
 * same floor returned in a promise, and routecache's `getOrLoad(keyFor(…))` over a memory store
 * holding the same live value.
 *
 * @example
 * ```ts
 * const { floor, getOrLoad, cache } = await engineHitArms('users.get', { userId: 42 }, value);
 * ```
 */
export async function engineHitArms(routeName: string, key: object, held: object) {
  const lru = new LRUCache<string, object>({ max: 10_000 });
  lru.set(JSON.stringify([routeName, key]), held);
  const cache = createCache({ store: memoryStore(), ttl: 3600 });
  const load = async () => held;
  const request = () => ({ baseKey: cache.keyFor({ route: routeName, input: key }), load });
  await cache.getOrLoad(request());
  const floor = () => lru.get(JSON.stringify([routeName, key]));
  return {
    cache,
    load,
    floor,
    /**
     * The floor behind a promise-returning API, as `getOrLoad` is (the harness awaits it): what
     * the promise alone costs a hit, shown beside the targets, never judged.
     */
    floorInPromise: () => Promise.resolve(floor()),
    getOrLoad: () => cache.getOrLoad(request()),
  };
}
