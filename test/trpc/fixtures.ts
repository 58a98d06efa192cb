/**
 * The router the tRPC integration tests drive: cached queries of every flavour, resolver call
 * counters, an auth middleware before the cache, a private route, a stream, a mutation.
 */
import { type Cache, createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { TestContext } from '../support/trpc-server.js';

/** How many times each resolver ran, by name. */
export type Counters = Record<string, number>;

/** Build a fresh cache + router + counters (one per test, so tests never share entries). */
export function buildApp(cache: Cache = createCache({ store: memoryStore(), namespace: 'app' })) {
  const counters: Counters = {};
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const count = (name: string): number => {
    counters[name] = (counters[name] ?? 0) + 1;
    return counters[name];
  };

  const t = initTRPC.context<TestContext>().create();
  const cacheMiddleware = createCacheMiddleware(cache, {
    principal: (ctx: TestContext) => ctx.user ?? undefined,
  });
  const authed = t.procedure.use(({ ctx, next }) => {
    if (ctx.user === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { user: ctx.user } });
  });
  const postCache = cacheMiddleware({ ttl: 60, tags: ['posts'], scope: 'public' });
  const idInput = z.object({ id: z.string() });

  const router = t.router({
    post: t.router({
      get: t.procedure
        .input(z.object({ id: z.string(), lang: z.string().optional() }))
        .use(postCache)
        .query(({ input }) => ({ id: input.id, lang: input.lang, run: count('post.get') })),
      byCustomKey: t.procedure
        .input(z.object({ id: z.string(), page: z.number() }))
        .use(cacheMiddleware({ scope: 'public', key: ({ input }) => `post:${input.id}` }))
        .query(({ input }) => ({ id: input.id, page: input.page, run: count('post.byCustomKey') })),
      inBlog: t.procedure
        .input(idInput)
        .use(cacheMiddleware({ scope: 'public', namespace: 'blog' }))
        .query(({ input }) => ({ id: input.id, run: count('post.inBlog') })),
      update: t.procedure
        .input(idInput)
        .mutation(({ input }) => postCache.invalidate('post.get', { id: input.id })),
    }),
    greeting: t.procedure
      .use(cacheMiddleware({ scope: 'public', vary: ['Accept-Language'] }))
      .query(({ ctx }) => ({ lang: ctx.lang, run: count('greeting') })),
    varyStar: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      ctx.setResponseHeader('vary', '*');
      return { run: count('varyStar') };
    }),
    setsVary: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      ctx.setResponseHeader('vary', 'X-Tenant');
      return { run: count('setsVary') };
    }),
    setsCookie: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      ctx.setResponseHeader('set-cookie', 'sid=1');
      return { run: count('setsCookie') };
    }),
    secret: authed
      .use(cacheMiddleware({ scope: 'public' }))
      .query(() => ({ secret: 42, run: count('secret') })),
    me: authed
      .use(cacheMiddleware({ scope: 'private' }))
      .query(({ ctx }) => ({ user: ctx.user, run: count('me') })),
    gated: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async () => {
      const run = count('gated');
      await gate;
      return { run };
    }),
    forCdn: t.procedure
      .use(
        cacheMiddleware({
          scope: 'public',
          ttl: 60,
          maxAge: 10,
          sMaxAge: 20,
          staleWhileRevalidate: 15,
        }),
      )
      .query(() => ({ run: count('forCdn') })),
    forCdnShort: t.procedure
      .use(
        cacheMiddleware({
          scope: 'public',
          ttl: 60,
          maxAge: 5,
          sMaxAge: 30,
          staleWhileRevalidate: 8,
        }),
      )
      .query(() => ({ run: count('forCdnShort') })),
    uncached: t.procedure.query(() => ({ run: count('uncached') })),
    fails: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => {
      count('fails');
      throw new TRPCError({ code: 'NOT_FOUND', message: 'nothing here' });
    }),
    countdown: t.procedure
      .input(z.object({ from: z.number() }))
      .use(cacheMiddleware({ scope: 'public' }))
      .query(async function* ({ input }) {
        count('countdown');
        for (let n = input.from; n > 0; n--) yield { n };
        return 'liftoff';
      }),
    ticker: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async function* () {
      count('ticker');
      try {
        for (let n = 0; n < 1000; n++) {
          yield n;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return 'end';
      } finally {
        count('ticker.closed');
      }
    }),
    brokenStream: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async function* () {
      count('brokenStream');
      yield 1;
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'stream broke' });
    }),
    cookieStream: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async ({ ctx }) => {
      count('cookieStream');
      ctx.setResponseHeader('set-cookie', 'sid=1');
      return (async function* () {
        yield 1;
        return 'done';
      })();
    }),
    bigStream: t.procedure
      .use(cacheMiddleware({ scope: 'public', stream: { maxChunks: 5 } }))
      .query(async function* () {
        count('bigStream');
        for (let n = 0; n < 10; n++) yield n;
        return 'done';
      }),
    cachedMutation: t.procedure
      .use(cacheMiddleware({ scope: 'public' }))
      .mutation(() => ({ run: count('cachedMutation') })),
    beforeInput: t.procedure
      .use(cacheMiddleware({ scope: 'public' }))
      .input(idInput)
      .query(({ input }) => ({ id: input.id, run: count('beforeInput') })),
  });
  return { cache, router, counters, postCache, releaseGate: () => release() };
}

/** The router type of {@link buildApp}. */
export type AppRouter = ReturnType<typeof buildApp>['router'];

/** `?input=` query string of a tRPC GET call without a transformer. */
export function inputQuery(input: unknown): string {
  return `input=${encodeURIComponent(JSON.stringify(input))}`;
}

/** URL of a batched GET: `paths` and `inputs` in batch order. */
export function batchUrl(base: string, calls: readonly [path: string, input?: unknown][]): string {
  const inputs: Record<number, unknown> = {};
  calls.forEach(([, input], index) => {
    if (input !== undefined) inputs[index] = input;
  });
  return `${base}/${calls.map(([path]) => path).join(',')}?batch=1&${inputQuery(inputs)}`;
}

/**
 * Count the fills `cache` started and has not yet settled (stored or skipped), from its events:
 * a stream's fill settles when the stream ends, fails, stops or outgrows its bounds. Counts
 * foreground misses only (no stale-while-revalidate refreshes, no leases).
 */
export function trackFills(cache: Cache): { cache: Cache; openFills(): number } {
  let open = 0;
  cache.on('miss', () => {
    open++;
  });
  const settle = () => {
    open--;
  };
  cache.on('stored', settle);
  cache.on('skipped', settle);
  return { cache, openFills: () => open };
}
