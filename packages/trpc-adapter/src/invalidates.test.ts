import { createCache, memoryStore, RoutecacheError } from '@routecache/core';
import { initTRPC, lazy, TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCacheMiddleware } from './middleware.js';
import { createRouteHelpers } from './route-helpers.js';

/** A users/posts app whose mutations declare what they invalidate; resolver runs are counted. */
function app() {
  const cache = createCache({ store: memoryStore(), namespace: 'app' });
  const postsCache = createCache({ store: memoryStore(), namespace: 'posts' });
  const cacheMiddleware = createCacheMiddleware(cache);
  const postsMiddleware = createCacheMiddleware(postsCache);
  const t = initTRPC.context<{ who: string }>().create();
  const runs: Record<string, number> = {};
  const count = (path: string) => {
    runs[path] = (runs[path] ?? 0) + 1;
    return runs[path];
  };
  const helpers = createRouteHelpers(() => router);
  const routes = helpers.router('users', {
    get: helpers.procedure<{ userId: number }>('users.get'),
    list: helpers.procedure<undefined>('users.list'),
  });
  const posts = helpers.router('posts', { list: helpers.procedure<undefined>('posts.list') });
  const UserId = z.object({ userId: z.number() });
  const declared = (name: string) =>
    t.procedure.input(UserId).use(
      helpers.invalidates(({ input, ctx, data }) => {
        expect(data).toEqual({ done: name });
        expect(ctx.who).toBe('ada');
        return targetsFor[name]?.(input.userId) ?? [];
      }),
    );
  const targetsFor: Record<string, (userId: number) => ReturnType<typeof helpers.tag>[]> = {
    one: (userId) => [routes.get({ userId })],
    procedure: () => [routes.get],
    router: () => [routes],
    tag: (userId) => [helpers.tag(`user:${userId}`)],
    lazy: () => [posts],
  };
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input(UserId)
        .use(cacheMiddleware({ tags: ({ input }) => [`user:${input.userId}`] }))
        .query(({ input }) => ({ userId: input.userId, run: count(`users.get:${input.userId}`) })),
      list: t.procedure
        .use(cacheMiddleware({ tags: ['users'] }))
        .query(() => ({ run: count('users.list') })),
      one: declared('one').mutation(() => ({ done: 'one' })),
      procedure: declared('procedure').mutation(() => ({ done: 'procedure' })),
      router: declared('router').mutation(() => ({ done: 'router' })),
      tag: declared('tag').mutation(() => ({ done: 'tag' })),
      lazy: declared('lazy').mutation(() => ({ done: 'lazy' })),
      failing: t.procedure
        .input(UserId)
        .use(helpers.invalidates(() => [routes]))
        .mutation((): { done: string } => {
          throw new TRPCError({ code: 'CONFLICT' });
        }),
      throwingResolve: t.procedure
        .input(UserId)
        .use(
          helpers.invalidates(() => {
            throw new Error('resolve broke');
          }),
        )
        .mutation(() => ({ kept: true })),
    }),
    posts: lazy(async () =>
      t.router({
        list: t.procedure.use(postsMiddleware({})).query(() => ({ run: count('posts.list') })),
      }),
    ),
  });
  const caller = t.createCallerFactory(router)({ who: 'ada' });
  /** Read every cached call once; returns the resolver run of each. */
  const readAll = async () => [
    (await caller.users.get({ userId: 1 })).run,
    (await caller.users.get({ userId: 2 })).run,
    (await caller.users.list()).run,
    (await caller.posts.list()).run,
  ];
  return { caller, readAll, cache, routes, helpers };
}

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
process.on('warning', onWarning);
afterEach(() => {
  warnings.length = 0;
});

describe('invalidates', () => {
  it('a call target removes that one call (its next read runs the resolver)', async () => {
    const { caller, readAll } = app();
    expect(await readAll()).toEqual([1, 1, 1, 1]);
    expect(await caller.users.one({ userId: 1 })).toEqual({ done: 'one' });
    expect(await readAll()).toEqual([2, 1, 1, 1]);
  });

  it('a procedure target removes every call of it, through its path tag', async () => {
    const { caller, readAll } = app();
    await readAll();
    await caller.users.procedure({ userId: 1 });
    expect(await readAll()).toEqual([2, 2, 1, 1]);
  });

  it('a sub-router target removes every cached procedure under it, nothing else', async () => {
    const { caller, readAll } = app();
    await readAll();
    await caller.users.router({ userId: 1 });
    expect(await readAll()).toEqual([2, 2, 2, 1]);
  });

  it('a computed tag target removes the entries carrying that tag', async () => {
    const { caller, readAll } = app();
    await readAll();
    await caller.users.tag({ userId: 2 });
    expect(await readAll()).toEqual([1, 2, 1, 1]);
  });

  it('loads a lazy router to reach its own cache', async () => {
    const { caller, readAll } = app();
    await readAll();
    await caller.users.lazy({ userId: 1 });
    expect(await readAll()).toEqual([1, 1, 1, 2]);
  });

  it('invalidates nothing when the mutation fails, and returns its error', async () => {
    const { caller, readAll } = app();
    await readAll();
    await expect(caller.users.failing({ userId: 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await readAll()).toEqual([1, 1, 1, 1]);
  });

  it('keeps the result of a successful write when its resolve throws, and warns', async () => {
    const { caller } = app();
    expect(await caller.users.throwingResolve({ userId: 1 })).toEqual({ kept: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => (w as { code?: string }).code)).toContain(
      'ROUTECACHE_INVALIDATION_FAILED',
    );
    expect(warnings.map((w) => w.message).join('\n')).toMatch(
      /"users.throwingResolve" succeeded, and its result was sent, but its invalidation failed.*resolve broke/,
    );
  });

  it('refuses a tag in the @ namespace and a query using it', async () => {
    const { helpers } = app();
    expect(() => helpers.tag('@users')).toThrow(/reserves for path tags/);
    const t = initTRPC.create();
    const router = t.router({
      q: t.procedure.use(helpers.invalidates(() => [])).query(() => 1),
    });
    await expect(t.createCallerFactory(router)({}).q()).rejects.toSatisfy((error: unknown) =>
      RoutecacheError.is((error as { cause?: unknown }).cause, 'ROUTECACHE_CONFIGURATION'),
    );
  });
});

describe('implicit path tags', () => {
  it('every entry carries @<procedure> and @<router>', async () => {
    const { cache, readAll } = app();
    await readAll();
    expect(await cache.invalidateTags(['@users.get'])).toBe(2);
    expect(await cache.invalidateTags(['@users'])).toBe(1);
    expect(await readAll()).toEqual([2, 2, 2, 1]);
  });

  it('refuses a static @ tag when the middleware is made, a computed one on the call', async () => {
    const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }));
    expect(() => cacheMiddleware({ tags: ['@users'] })).toThrow(
      /Tag "@users" of cacheMiddleware\(\{ tags \}\) starts with "@"/,
    );
    const t = initTRPC.create();
    const router = t.router({
      q: t.procedure.use(cacheMiddleware({ tags: () => ['@all'] })).query(() => 1),
    });
    await expect(t.createCallerFactory(router)({}).q()).rejects.toThrow(
      /Tag "@all" of the tags function of "q" starts with "@"/,
    );
  });
});
