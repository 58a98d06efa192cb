import { ConfigurationError, createCache, memoryStore } from '@routecache/core';
import { drain, testEntry } from '@routecache/core/testing';
import { initTRPC, TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CACHE_MIDDLEWARE, createCacheMiddleware } from './middleware.js';

interface Ctx {
  user?: string;
}

function setup() {
  const cache = createCache({ store: memoryStore() });
  const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user });
  const t = initTRPC.context<Ctx>().create();
  const runs: Record<string, number> = {};
  const count = (name: string) => {
    runs[name] = (runs[name] ?? 0) + 1;
    return runs[name];
  };
  return { cache, cacheMiddleware, t, runs, count };
}

describe('cacheMiddleware', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('serves a memory hit without waiting on the engine: settled within one microtask turn', async () => {
    const { cacheMiddleware } = setup();
    const middleware = cacheMiddleware({ scope: 'public' });
    const next = vi.fn(async () => ({ ok: true, data: 'v' }) as never);
    const opts = {
      ctx: {},
      input: { id: 1 },
      path: 'get',
      type: 'query' as const,
      getRawInput: async () => ({ id: 1 }),
      batchIndex: 0,
      next,
    };
    await middleware(opts);
    let settled = false;
    const hit = middleware(opts).then((result) => {
      settled = true;
      return result;
    });
    await Promise.resolve();
    expect(settled).toBe(true);
    expect(await hit).toMatchObject({ ok: true, data: 'v' });
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('on a hit skips the resolver and the middlewares after it, not those before', async () => {
    const { t, cacheMiddleware, runs, count } = setup();
    const router = t.router({
      get: t.procedure
        .use(({ next }) => {
          count('before');
          return next();
        })
        .input(z.object({ id: z.number() }))
        .use(cacheMiddleware({ scope: 'public' }))
        .use(({ next }) => {
          count('after');
          return next();
        })
        .query(({ input }) => ({ id: input.id, run: count('resolver') })),
    });
    const caller = t.createCallerFactory(router)({});
    expect(await caller.get({ id: 1 })).toEqual({ id: 1, run: 1 });
    expect(await caller.get({ id: 1 })).toEqual({ id: 1, run: 1 });
    expect(runs).toEqual({ before: 2, after: 1, resolver: 1 });
  });

  it('serves a stale value while one refresh runs (staleWhileRevalidate)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { t, cacheMiddleware, count, runs } = setup();
    const router = t.router({
      get: t.procedure
        .use(cacheMiddleware({ scope: 'public', ttl: 10, staleWhileRevalidate: 30 }))
        .query(() => count('resolver')),
    });
    const caller = t.createCallerFactory(router)({});
    expect(await caller.get()).toBe(1);
    vi.advanceTimersByTime(11_000);
    expect(await caller.get()).toBe(1);
    await vi.waitFor(() => expect(runs.resolver).toBe(2));
    await vi.waitFor(async () => expect(await caller.get()).toBe(2));
  });

  it('serves a stale value when the resolver fails (staleIfError), never caching the error', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { t, cacheMiddleware, count } = setup();
    let fail = false;
    const router = t.router({
      get: t.procedure
        .use(cacheMiddleware({ scope: 'public', ttl: 10, staleIfError: 60 }))
        .query(() => {
          const run = count('resolver');
          if (fail) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR' });
          return run;
        }),
    });
    const caller = t.createCallerFactory(router)({});
    expect(await caller.get()).toBe(1);
    fail = true;
    vi.advanceTimersByTime(11_000);
    expect(await caller.get()).toBe(1);
    vi.advanceTimersByTime(60_000);
    await expect(caller.get()).rejects.toThrow(TRPCError);
  });

  it('bypasses the cache for a private route without a principal', async () => {
    const { t, cacheMiddleware, count } = setup();
    const router = t.router({
      me: t.procedure.use(cacheMiddleware({ scope: 'private' })).query(() => count('me')),
    });
    const anonymous = t.createCallerFactory(router)({});
    expect([await anonymous.me(), await anonymous.me()]).toEqual([1, 2]);
    const alice = t.createCallerFactory(router)({ user: 'alice' });
    expect([await alice.me(), await alice.me()]).toEqual([3, 3]);
  });

  it('keys a route without scope by the principal, shares it without one', async () => {
    const { t, cacheMiddleware, count } = setup();
    const router = t.router({
      undeclared: t.procedure.use(cacheMiddleware()).query(() => count('undeclared')),
    });
    const caller = (user?: string) => t.createCallerFactory(router)(user ? { user } : {});
    expect([await caller('alice').undeclared(), await caller('alice').undeclared()]).toEqual([
      1, 1,
    ]);
    expect(await caller('bob').undeclared()).toBe(2);
    expect([await caller().undeclared(), await caller().undeclared()]).toEqual([3, 3]);
  });

  it('refuses a vary route whose context lacks withCacheContext', async () => {
    const { t, cacheMiddleware } = setup();
    const router = t.router({
      greet: t.procedure
        .use(cacheMiddleware({ scope: 'public', vary: ['accept-language'] }))
        .query(() => 1),
    });
    const error = await t
      .createCallerFactory(router)({})
      .greet()
      .catch((caught: unknown) => caught);
    expect((error as TRPCError).cause).toBeInstanceOf(ConfigurationError);
    expect(((error as TRPCError).cause as ConfigurationError).context).toMatchObject({
      option: 'vary',
    });
  });

  it('caches a stream, replays it, and gives coalesced callers their own run', async () => {
    const { t, cache, cacheMiddleware, count, runs } = setup();
    const get = vi.spyOn(cache.store, 'get');
    const router = t.router({
      countdown: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async function* () {
        count('countdown');
        yield 2;
        yield 1;
        return 'liftoff';
      }),
    });
    const caller = t.createCallerFactory(router)({});
    const expected = { chunks: [2, 1], returned: 'liftoff' };
    const [first, second] = await Promise.all([caller.countdown(), caller.countdown()]);
    expect(await Promise.all([drain(first), drain(second)])).toEqual([expected, expected]);
    expect(runs.countdown).toBe(2);
    expect(await drain(await caller.countdown())).toEqual(expected);
    expect(runs.countdown).toBe(2);
    // One store read per call: a stream's miss is not looked up a second time.
    expect(get).toHaveBeenCalledTimes(3);
  });

  it('serves a plain value shaped like a stream record as a value, with one store read', async () => {
    const { t, cache, cacheMiddleware, count, runs } = setup();
    const get = vi.spyOn(cache.store, 'get');
    const router = t.router({
      page: t.procedure
        .use(cacheMiddleware({ scope: 'public' }))
        .query(() => ({ chunks: [count('page')], returnValue: 'x' })),
      empty: t.procedure
        .use(cacheMiddleware({ scope: 'public' }))
        .query(() => ({ chunks: [], returnValue: count('empty') })),
    });
    const caller = t.createCallerFactory(router)({});
    expect(await caller.page()).toEqual({ chunks: [1], returnValue: 'x' });
    expect(await caller.page()).toEqual({ chunks: [1], returnValue: 'x' });
    expect(await caller.empty()).toEqual({ chunks: [], returnValue: 1 });
    const hit = await caller.empty();
    expect(hit).toEqual({ chunks: [], returnValue: 1 });
    expect(Symbol.asyncIterator in hit).toBe(false);
    expect(runs).toEqual({ page: 1, empty: 1 });
    // The result's kind decides: a hit never reads the entry a second time.
    expect(get).toHaveBeenCalledTimes(4);
  });

  it('replays a stream another instance stored while this one waited on its lease', async () => {
    const record = { chunks: [2, 1], returnValue: 'liftoff' };
    const store = Object.assign(memoryStore(), {
      acquireLease: async () => ({
        acquired: false as const,
        wait: async () => testEntry(record, { kind: 'stream', freshMs: 30_000 }),
      }),
    });
    const cacheMiddleware = createCacheMiddleware(createCache({ store }));
    const t = initTRPC.create();
    const router = t.router({
      countdown: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async function* () {
        yield 0;
        return 'mine';
      }),
    });
    const stream = await t.createCallerFactory(router)({}).countdown();
    expect(await drain(stream)).toEqual({ chunks: [2, 1], returned: 'liftoff' });
  });

  it('computes keys and invalidates with the same logic as the middleware', async () => {
    const { t, cacheMiddleware, cache, count } = setup();
    const stored: string[] = [];
    cache.on('stored', ({ baseKey }) => stored.push(baseKey));
    const postCache = cacheMiddleware({ scope: 'public', namespace: 'posts' });
    const router = t.router({
      post: t.procedure
        .input(z.object({ id: z.number() }))
        .use(postCache)
        .query(({ input }) => ({ id: input.id, run: count('post') })),
    });
    const caller = t.createCallerFactory(router)({});
    await caller.post({ id: 7 });
    expect(stored).toEqual([postCache.keyFor('post', { id: 7 })]);
    expect(await postCache.invalidate('post', { id: 7 })).toBe(1);
    expect(await postCache.invalidate('post', { id: 7 })).toBe(0);
    expect(await caller.post({ id: 7 })).toEqual({ id: 7, run: 2 });
    expect(postCache[CACHE_MIDDLEWARE].cache).toBe(cache);
    expect(postCache[CACHE_MIDDLEWARE].options.namespace).toBe('posts');
  });

  it('validates options when cacheMiddleware is called, not per request', () => {
    const { cacheMiddleware, cache } = setup();
    expect(() => cacheMiddleware({ ttl: -1 })).toThrow(/"ttl"/);
    expect(() => cacheMiddleware({ vary: ['*'] })).toThrow(/"vary"/);
    const principal = 'user' as unknown as () => string;
    expect(() => createCacheMiddleware(cache, { principal })).toThrow(/"principal"/);
  });

  it('refuses a subscription with a ConfigurationError before its resolver runs', async () => {
    const { t, cacheMiddleware, count, runs } = setup();
    const router = t.router({
      events: t.procedure
        .use(cacheMiddleware({ scope: 'public' }))
        .subscription(async function* () {
          count('events');
          yield 1;
        }),
    });
    const error = await t
      .createCallerFactory(router)({})
      .events()
      .catch((caught: unknown) => caught);
    const cause = (error as TRPCError).cause as ConfigurationError;
    expect(cause.code).toBe('ROUTECACHE_CONFIGURATION');
    expect(cause.message).toMatch(/queries only; "events" is a subscription/);
    expect(runs.events).toBeUndefined();
  });

  it('answers uncached when the cache itself throws before the resolver ran', async () => {
    const { t, count, cache } = setup();
    const broken = { ...cache, call: () => Promise.reject(new Error('engine bug')) };
    const cacheMiddleware = createCacheMiddleware(broken);
    const router = t.router({
      item: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => count('item')),
    });
    const caller = t.createCallerFactory(router)({});
    expect([await caller.item(), await caller.item()]).toEqual([1, 2]);
  });

  it('refuses a custom key function that returns no key', async () => {
    const { t, cacheMiddleware } = setup();
    const empty = cacheMiddleware({ scope: 'public', key: () => '' });
    const router = t.router({ item: t.procedure.use(empty).query(() => 1) });
    const error = await t
      .createCallerFactory(router)({})
      .item()
      .catch((caught: unknown) => caught);
    expect((error as TRPCError).cause).toBeInstanceOf(ConfigurationError);
    expect(() => empty.keyFor('item', undefined)).toThrow(/non-empty string/);
  });
});

describe('cacheMiddleware before .input()', () => {
  let caller: { item(input: { id: number }): Promise<unknown>; noInput(): Promise<unknown> };
  beforeEach(() => {
    const { t, cacheMiddleware } = setup();
    const router = t.router({
      item: t.procedure
        .use(cacheMiddleware({ scope: 'public' }))
        .input(z.object({ id: z.number() }))
        .query(({ input }) => input.id),
      noInput: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => 'ok'),
    });
    caller = t.createCallerFactory(router)({});
  });

  it('refuses with a ConfigurationError naming the fix when input arrives', async () => {
    const error = await caller.item({ id: 1 }).catch((caught: unknown) => caught);
    const cause = (error as TRPCError).cause as ConfigurationError;
    expect(cause).toBeInstanceOf(ConfigurationError);
    expect(cause.message).toMatch(/after the last \.input/);
  });

  it('works on a procedure without input', async () => {
    expect(await caller.noInput()).toBe('ok');
  });
});
