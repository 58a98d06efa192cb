import { describe, expect, it, vi } from 'vitest';
import { testEntry, uniqueNames } from '../testing/entries.js';
import { storeContractSuite } from '../testing/store-contract.js';
import type { Bus, BusHandlers, BusMessage } from './bus.js';
import { memoryStore } from './memory.js';
import { tieredStore } from './tiered.js';
import { type CacheEntry, type CacheStore, type EntryAddress, UNAVAILABLE_FENCE } from './types.js';

/** An in-process bus joining several tiered stores of one test (no transport). */
function busNetwork() {
  const members = new Set<{ handlers: BusHandlers }>();
  const published: BusMessage[] = [];
  return {
    published,
    member(): Bus & { reconnect(): void } {
      const self = { handlers: { message() {}, reconnected() {} } as BusHandlers };
      return {
        async publish(message) {
          published.push(message);
          for (const other of members) if (other !== self) other.handlers.message(message);
        },
        subscribe(handlers) {
          self.handlers = handlers;
          members.add(self);
          return () => members.delete(self);
        },
        reconnect: () => self.handlers.reconnected(),
      };
    },
  };
}

const testBaseKeyOf = (key: string) => key.split('#')[0] ?? key;

storeContractSuite('tieredStore (memory over memory)', () =>
  tieredStore({ l1: memoryStore(), l2: memoryStore(), baseKeyOf: testBaseKeyOf }),
);

describe('tieredStore', () => {
  const names = uniqueNames('tiered');

  function instances(count: number) {
    const l2 = memoryStore();
    const network = busNetwork();
    const made = Array.from({ length: count }, () => {
      const l1 = memoryStore();
      const bus = network.member();
      return { l1, bus, store: tieredStore({ l1, l2, bus, baseKeyOf: testBaseKeyOf }) };
    });
    return { l2, network, made };
  }

  async function put(store: CacheStore, address: EntryAddress, value: unknown = address.key) {
    return store.set(address, testEntry(value, { tags: address.tags }), await store.fence(address));
  }

  it('answers an L1 hit synchronously without asking L2', async () => {
    const l1 = memoryStore();
    let l2Reads = 0;
    const backing = memoryStore();
    const l2: CacheStore = {
      ...backing,
      get(key) {
        l2Reads++;
        return backing.get(key);
      },
    };
    const store = tieredStore({ l1, l2, baseKeyOf: testBaseKeyOf });
    const address = names.address();
    await put(store, address);

    const hit = store.get(address.key);
    expect(hit).not.toBeInstanceOf(Promise);
    expect((hit as { value: unknown }).value).toBe(address.key);
    expect(l2Reads).toBe(0);
  });

  it("hands the caller's clock reading to L1 (a memory hit reads the clock once)", async () => {
    const l1 = memoryStore();
    const get = vi.spyOn(l1, 'get');
    const store = tieredStore({ l1, l2: memoryStore(), baseKeyOf: testBaseKeyOf });
    const address = names.address();
    await put(store, address);
    const now = Date.now();
    expect((store.get(address.key, now) as { value: unknown }).value).toBe(address.key);
    expect(get).toHaveBeenLastCalledWith(address.key, now);
  });

  it('fills L1 from an L2 hit, indexed under its base key and tags', async () => {
    const { l2, made } = instances(1);
    const [{ store, l1 }] = made as [(typeof made)[0]];
    const tag = names.name('tag');
    const address = names.address({ baseKey: names.name('base'), variant: 'v', tags: [tag] });
    await put(l2, address, 'from l2');

    expect((await store.get(address.key))?.value).toBe('from l2');
    await Promise.resolve();
    expect(l1.get(address.key)).toMatchObject({ value: 'from l2' });
    expect(l1.invalidateTags([tag])).toBe(1);
  });

  it('keeps L1 copies without the encoded bytes an in-process L1 never reads', async () => {
    const l1 = memoryStore();
    const l2: CacheStore = { ...memoryStore(), requiresBytes: true };
    const store = tieredStore({ l1, l2, baseKeyOf: testBaseKeyOf });
    const filled = names.address();
    await put(store, filled, 'filled');
    const read = names.address();
    await put(l2, read, 'read from l2');
    expect((await store.get(read.key))?.value).toBe('read from l2');
    await Promise.resolve();

    for (const address of [filled, read]) {
      expect(l2.get(address.key)).toMatchObject({ bytes: expect.any(Uint8Array) });
      const copy = l1.get(address.key) as CacheEntry | undefined;
      expect(copy?.value).toBe(address === filled ? 'filled' : 'read from l2');
      expect(copy?.bytes).toBeUndefined();
    }
  });

  it('invalidates every instance L1 through the bus and counts L2 removals', async () => {
    const { made, network } = instances(3);
    const address = names.address({ tags: [names.name('t')] });
    await put(made[0]?.store as CacheStore, address);
    for (const { store } of made) expect((await store.get(address.key))?.value).toBe(address.key);

    expect(await made[1]?.store.invalidate(address.baseKey)).toBe(1);
    expect(network.published).toContainEqual({ type: 'invalidate', baseKeys: [address.baseKey] });
    for (const { l1 } of made) expect(l1.get(address.key)).toBeUndefined();
  });

  it('propagates tag invalidation, delete and clear to peers', async () => {
    const { made } = instances(2);
    const [a, b] = made as [(typeof made)[0], (typeof made)[0]];
    const tag = names.name('t');
    const tagged = names.address({ tags: [tag] });
    const plain = names.address();
    const other = names.address();
    for (const address of [tagged, plain, other]) {
      await put(a.store, address);
      await b.store.get(address.key);
    }
    expect(await a.store.invalidateTags([tag])).toBe(1);
    expect(b.l1.get(tagged.key)).toBeUndefined();
    expect(await a.store.delete(plain.key)).toBe(true);
    expect(b.l1.get(plain.key)).toBeUndefined();
    expect(b.l1.get(other.key)).toBeDefined();
    await a.store.clear();
    expect(b.l1.get(other.key)).toBeUndefined();
  });

  it('drops the whole L1 when the bus reconnects', async () => {
    const { made } = instances(1);
    const [{ store, l1, bus }] = made as [(typeof made)[0]];
    const address = names.address();
    await put(store, address);
    expect(l1.get(address.key)).toBeDefined();
    bus.reconnect();
    expect(l1.get(address.key)).toBeUndefined();
    expect((await store.get(address.key))?.value).toBe(address.key);
  });

  it('keeps an L2 read that raced an invalidation out of L1 (no resurrection)', async () => {
    const shared = memoryStore();
    const network = busNetwork();
    // b's L2 reads are held until released, so the invalidation lands while one is in flight.
    let release = () => {};
    const gated: CacheStore = {
      ...shared,
      get(key) {
        const entry = shared.get(key);
        return new Promise((resolve) => {
          release = () => resolve(entry);
        });
      },
    };
    const a = tieredStore({ l1: memoryStore(), l2: shared, bus: network.member() });
    const bL1 = memoryStore();
    const b = tieredStore({ l1: bL1, l2: gated, bus: network.member(), baseKeyOf: testBaseKeyOf });
    const address = names.address();
    await put(a, address, 'old');

    const read = b.get(address.key);
    await a.invalidate(address.baseKey);
    release();
    expect((await read)?.value).toBe('old');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(bL1.get(address.key)).toBeUndefined();
  });

  it('refuses a fill fenced before a peer invalidated it, in L2 and in L1', async () => {
    const { made } = instances(2);
    const [a, b] = made as [(typeof made)[0], (typeof made)[0]];
    const address = names.address();
    const fence = await a.store.fence(address);
    await b.store.invalidate(address.baseKey);
    expect(await a.store.set(address, testEntry('stale'), fence)).toBe(false);
    expect(a.l1.get(address.key)).toBeUndefined();
    expect(await b.store.get(address.key)).toBeUndefined();
  });

  it('keeps fills in L1 alone while L2 is down, so the outage does not reach the loader', async () => {
    const l1 = memoryStore();
    const down = (): never => {
      throw new Error('ECONNREFUSED');
    };
    const l2: CacheStore = { ...memoryStore(), get: down, fence: down, set: down };
    const store = tieredStore({ l1, l2, baseKeyOf: testBaseKeyOf });
    const address = names.address({ tags: [names.name('t')] });
    expect(await put(store, address, 'from the loader')).toBe(true);
    expect(store.get(address.key)).toMatchObject({ value: 'from the loader' });

    // L2 failing after its fence was taken: the write falls back to L1 as well.
    const flaky: CacheStore = { ...memoryStore(), set: down };
    const other = tieredStore({ l1: memoryStore(), l2: flaky, baseKeyOf: testBaseKeyOf });
    expect(await put(other, address, 'still cached')).toBe(true);
    expect(other.get(address.key)).toMatchObject({ value: 'still cached' });

    // An L2 whose breaker is open answers quietly: UNAVAILABLE_FENCE, and set refuses.
    const quiet: CacheStore = {
      ...memoryStore(),
      get: () => undefined,
      fence: () => UNAVAILABLE_FENCE,
      set: () => false,
    };
    const third = tieredStore({ l1: memoryStore(), l2: quiet, baseKeyOf: testBaseKeyOf });
    expect(await put(third, address, 'served from L1')).toBe(true);
    expect(third.get(address.key)).toMatchObject({ value: 'served from L1' });
  });

  it('rejects stores that are not stores', () => {
    expect(() => tieredStore({ l1: {} as CacheStore, l2: memoryStore() })).toThrow(/l1/);
  });
});
