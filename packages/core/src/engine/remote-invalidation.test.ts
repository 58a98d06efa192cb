import { describe, expect, it, vi } from 'vitest';
import type { Bus, BusHandlers } from '../stores/bus.js';
import { memoryStore } from '../stores/memory.js';
import { tieredStore } from '../stores/tiered.js';
import type { CacheStore, StoreInvalidation } from '../stores/types.js';
import { deferred } from './__fixtures__/cache-helpers.js';
import { createCache } from './create-cache.js';

/** A bus whose deliveries the test makes by hand: what another instance would publish. */
function manualBus() {
  let handlers: BusHandlers | undefined;
  const bus: Bus = {
    publish: async () => {},
    subscribe(next) {
      handlers = next;
      return () => {
        handlers = undefined;
      };
    },
  };
  return { bus, handlers: () => handlers };
}

describe('invalidations from another instance (tiered store bus) during a fill', () => {
  it.each<[string, StoreInvalidation | 'reconnect']>([
    ['invalidate', { type: 'invalidate', baseKeys: ['k'] }],
    ['invalidateTags', { type: 'invalidateTags', tags: ['t'] }],
    ['delete', { type: 'delete', keys: ['k'] }],
    ['clear', { type: 'clear' }],
    ['a bus reconnect', 'reconnect'],
  ])(
    '%s: callers arriving after it load anew; the old fill is not stored',
    async (_name, delivery) => {
      const l2 = memoryStore();
      const { bus, handlers } = manualBus();
      const cache = createCache({ store: tieredStore({ l1: memoryStore(), l2, bus }) });
      const oldGate = deferred<string>();
      const oldLoad = vi.fn(() => oldGate.promise);
      const slow = cache.getOrLoad({ baseKey: 'k', tags: ['t'], load: oldLoad });
      await vi.waitFor(() => expect(oldLoad).toHaveBeenCalledTimes(1));

      // The other instance changed the shared tier, then its message arrives here.
      if (delivery === 'reconnect') {
        await l2.clear();
        handlers()?.reconnected();
      } else {
        await l2.invalidate('k');
        handlers()?.message(delivery);
      }
      const fresh = cache.getOrLoad({ baseKey: 'k', tags: ['t'], load: async () => 'new' });
      expect(await fresh).toMatchObject({ value: 'new', status: 'MISS' });

      oldGate.resolve('old');
      expect(await slow).toMatchObject({ value: 'old', status: 'MISS', maxAge: 0 });
      const next = await cache.getOrLoad({ baseKey: 'k', load: async () => 'unused' });
      expect(next).toMatchObject({ value: 'new', status: 'HIT' });
    },
  );

  it('leaves unrelated fills joinable', async () => {
    const { bus, handlers } = manualBus();
    const cache = createCache({
      store: tieredStore({ l1: memoryStore(), l2: memoryStore(), bus }),
    });
    const gate = deferred<string>();
    const load = vi.fn(() => gate.promise);
    const first = cache.getOrLoad({ baseKey: 'k', tags: ['t'], load });
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    handlers()?.message({ type: 'invalidate', baseKeys: ['other'] });
    handlers()?.message({ type: 'invalidateTags', tags: ['other-tag'] });
    const second = cache.getOrLoad({ baseKey: 'k', tags: ['t'], load });
    gate.resolve('v');
    expect((await Promise.all([first, second])).map((r) => r.value)).toEqual(['v', 'v']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('stops listening on dispose', async () => {
    const unsubscribe = vi.fn();
    const store: CacheStore = Object.assign(memoryStore(), {
      onInvalidate: vi.fn(() => unsubscribe),
    });
    const cache = createCache({ store });
    expect(store.onInvalidate).toHaveBeenCalledTimes(1);
    await cache.dispose();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });
});
