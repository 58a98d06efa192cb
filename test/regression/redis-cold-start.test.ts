/**
 * Regression (issue 8, item 14): a Redis store's first calls while it connected counted against
 * the 40 ms budget, a timeout opened the breaker at once, and the resolver then ran on every call
 * at startup; `ready()` waited forever for a Redis that never answered; and a `storeError`'s
 * top-level code said `ROUTECACHE_STORE_ERROR` with the timeout hidden in `cause`.
 *
 * A slow first connection is a real one: the TCP connect succeeds through a proxy whose path
 * stalls, so ioredis' ready check waits, as with a remote Redis or a slow handshake.
 */
import { type Cache, createCache, type StoreError } from '@routecache/core';
import { redisStore } from '@routecache/core/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** Budget of one Redis call: generous, so that only the stalled path can exceed it. */
const TIMEOUT_MS = 500;
/** The engine's budget of a store call, above the store's own (as the defaults are: 50 > 40). */
const STORE_TIMEOUT_MS = TIMEOUT_MS * 2;
/** Ceiling for one call on a busy machine: it must come back, not be fast. */
const CALL_CEILING_MS = TIMEOUT_MS * 6;

let tests = 0;

/** The test's cache, calling one key of its own (the tests share a redis-server). */
function observe(cache: Cache) {
  const errors: StoreError[] = [];
  cache.on('storeError', ({ error }) => errors.push(error));
  const id = ++tests;
  let loads = 0;
  const call = async () => {
    const started = performance.now();
    const result = await cache.getOrLoad({
      baseKey: cache.keyFor({ route: 'items.get', input: { id } }),
      load: async () => ++loads,
    });
    expect(performance.now() - started).toBeLessThan(CALL_CEILING_MS);
    return result.status;
  };
  return { errors, call, loads: () => loads };
}

describe.skipIf(!redisAvailable())('redisStore cold start', () => {
  let server: RedisServer;
  let proxy: TcpProxy;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await proxy?.close();
  });

  it('calls during a slow first connection are misses that neither open the breaker nor report an outage', async () => {
    proxy = await startTcpProxy(server);
    proxy.blackhole(true); // the first connection's handshake stalls
    const statuses: string[] = [];
    const store = redisStore({
      connection: { host: proxy.host, port: proxy.port },
      timeout: TIMEOUT_MS,
      // Long enough that a breaker opened by a startup call would still be open below.
      breaker: { cooldownMs: 30_000 },
      onStatus: (status) => statuses.push(status),
    });
    const cache = createCache({ store, ttl: 60, storeTimeout: STORE_TIMEOUT_MS });
    const { errors, call, loads } = observe(cache);

    for (let i = 0; i < 3; i++) expect(await call()).toBe('MISS');
    expect(loads()).toBe(3); // nothing stored yet, and nothing hangs

    proxy.blackhole(false);
    await store.ready();
    expect([await call(), await call()]).toEqual(['MISS', 'HIT']);
    expect(loads()).toBe(4);
    expect(statuses).toEqual([]);
    expect(errors).toEqual([]);
    await store.dispose();
  });

  it('a first connection slower than readyTimeout is an outage: ready() rejects, calls report it once', async () => {
    proxy = await startTcpProxy(server);
    proxy.blackhole(true); // and it stays so
    const statuses: string[] = [];
    const store = redisStore({
      connection: { host: proxy.host, port: proxy.port },
      timeout: TIMEOUT_MS,
      readyTimeout: 300,
      onStatus: (status) => statuses.push(status),
    });
    await expect(store.ready()).rejects.toMatchObject({
      code: 'ROUTECACHE_STORE_TIMEOUT',
      message: expect.stringMatching(/not connected within 300 ms/),
    });
    const cache = createCache({ store, ttl: 60, storeTimeout: STORE_TIMEOUT_MS });
    const { errors, call } = observe(cache);
    for (let i = 0; i < 3; i++) expect(await call()).toBe('MISS');
    expect(statuses).toEqual(['down']);
    expect(errors.map((error) => error.code)).toEqual(['ROUTECACHE_STORE_TIMEOUT']);
    await store.dispose();
  });

  it('a refused first connection is an outage at once, not a cold start', async () => {
    const statuses: string[] = [];
    const store = redisStore({
      connection: { host: '127.0.0.1', port: await freePort() }, // nothing listens there
      onStatus: (status) => statuses.push(status),
    });
    const cache = createCache({ store, ttl: 60, storeTimeout: STORE_TIMEOUT_MS });
    const { errors, call } = observe(cache);
    // Wait for the refusal: until then the call would count as made during the first connect.
    await new Promise<void>((resolve) => store.client.once('reconnecting', () => resolve()));
    expect(await call()).toBe('MISS');
    expect(statuses).toEqual(['down']);
    expect(errors).toHaveLength(1);
    await store.dispose();
  });

  it("a storeError's top-level code says the Redis call timed out", async () => {
    proxy = await startTcpProxy(server);
    const store = redisStore({ connection: { host: proxy.host, port: proxy.port } }); // 40 ms
    await store.ready();
    const cache = createCache({ store, ttl: 60, storeTimeout: STORE_TIMEOUT_MS });
    const { errors, call } = observe(cache);
    const stored = new Promise((resolve) => cache.on('stored', resolve));
    expect(await call()).toBe('MISS');
    await stored;
    proxy.blackhole(true);
    expect(await call()).toBe('MISS'); // the GET of the hit times out: fail-open
    expect(errors.map((error) => error.context.operation)).toEqual(['get']);
    expect(errors[0]?.code).toBe('ROUTECACHE_STORE_TIMEOUT');
    expect(errors[0]?.message).toMatch(/exceeded 40 ms/);
    await store.dispose();
  });
});
