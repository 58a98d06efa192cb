/**
 * The invalidation link on routecache's real glue: mutations declared with `invalidates(...)`,
 * the headers the glue writes, a real React Query client (`@tanstack/query-core`) observing tRPC
 * keys, and the real `@trpc/client` links. Each target kind (call, sub-router, tag computed
 * from input) refreshes exactly the queries it names, and the refetch gets the server's new data.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, createRouteHelpers } from '@routecache/trpc';
import { invalidationLink } from '@routecache/trpc/client';
import { QueryClient, QueryObserver } from '@tanstack/query-core';
import { createTRPCClient, createTRPCUntypedClient, httpBatchLink, httpLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type AdapterKind,
  startTrpcServer,
  type TestContext,
  type TrpcTestServer,
} from '../support/trpc-server.js';

function buildApp() {
  const runs: Record<string, number> = {};
  const names = new Map([
    [1, 'Ada'],
    [2, 'Grace'],
  ]);
  const cache = createCache({ store: memoryStore(), namespace: 'link' });
  const cached = createCacheMiddleware(cache);
  const t = initTRPC.context<TestContext>().create();
  const helpers = createRouteHelpers(() => router);
  const users = helpers.router('users', {
    get: helpers.procedure<{ userId: number }>('users.get'),
    list: helpers.procedure<undefined>('users.list'),
  });
  const ran = (path: string) => {
    runs[path] = (runs[path] ?? 0) + 1;
  };
  const UserId = z.object({ userId: z.number() });
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input(UserId)
        .use(cached({ scope: 'public', tags: ({ input }) => [`user:${input.userId}`] }))
        .query(({ input }) => {
          ran(`users.get(${input.userId})`);
          return names.get(input.userId);
        }),
      list: t.procedure.use(cached({ scope: 'public', tags: ['users'] })).query(() => {
        ran('users.list');
        return [...names.values()];
      }),
      rename: t.procedure
        .input(UserId.extend({ name: z.string() }))
        .use(helpers.invalidates(({ input }) => [users.get({ userId: input.userId })]))
        .mutation(({ input }) => void names.set(input.userId, input.name)),
      renameAll: t.procedure
        .input(z.object({ suffix: z.string() }))
        .use(helpers.invalidates(() => [users]))
        .mutation(({ input }) => {
          for (const [id, name] of names) names.set(id, `${name}${input.suffix}`);
        }),
      // A tag computed from input: `user:2` is on users.get(2)'s entry and response only.
      retag: t.procedure
        .input(UserId.extend({ name: z.string() }))
        .use(helpers.invalidates(({ input }) => [helpers.tag(`user:${input.userId}`)]))
        .mutation(({ input }) => void names.set(input.userId, input.name)),
    }),
    posts: t.router({
      list: t.procedure.use(cached({ scope: 'public', tags: ['posts'] })).query(() => {
        ran('posts.list');
        return ['hello'];
      }),
    }),
  });
  return { router, runs };
}

describe.each<[AdapterKind, 'httpLink' | 'httpBatchLink']>([
  ['standalone', 'httpBatchLink'],
  ['fetch', 'httpLink'],
])('invalidationLink on the %s adapter over %s', (kind, linkName) => {
  let server: TrpcTestServer;
  let queryClient: QueryClient;
  const unsubscribes: (() => void)[] = [];
  afterEach(async () => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    queryClient.clear();
    await server.close();
  });

  async function setup() {
    const app = buildApp();
    server = await startTrpcServer(kind, app.router);
    queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
    const transport =
      linkName === 'httpLink' ? httpLink({ url: server.url }) : httpBatchLink({ url: server.url });
    const links = [invalidationLink({ queryClient }), transport];
    const client = createTRPCClient<typeof app.router>({ links });
    const byPath = createTRPCUntypedClient<typeof app.router>({ links });
    const observers = new Map<string, QueryObserver<unknown>>();
    /** Fetches the client made, by query: what the link refreshed. */
    const fetches: Record<string, number> = {};
    // users.get(1), users.get(2), users.list, posts.list, observed under tRPC's keys.
    for (const [path, input] of [
      ['users.get', { userId: 1 }],
      ['users.get', { userId: 2 }],
      ['users.list', undefined],
      ['posts.list', undefined],
    ] as const) {
      const name = input ? `${path}(${input.userId})` : path;
      const observer = new QueryObserver<unknown>(queryClient, {
        queryKey: [path.split('.'), { ...(input && { input }), type: 'query' }],
        queryFn: () => {
          fetches[name] = (fetches[name] ?? 0) + 1;
          return byPath.query(path, input);
        },
      });
      unsubscribes.push(observer.subscribe(() => {}));
      observers.set(name, observer);
    }
    await vi.waitFor(() => expect(Object.keys(app.runs)).toHaveLength(4));
    await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
    const data = () =>
      Object.fromEntries([...observers].map(([name, o]) => [name, o.getCurrentResult().data]));
    /** After `write` and every refetch: the client's fetches and the server's resolver runs. */
    async function measure(write: () => Promise<unknown>) {
      const before = { fetches: { ...fetches }, runs: { ...app.runs } };
      await write();
      await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
      const diff = (now: Record<string, number>, then: Record<string, number>) =>
        Object.fromEntries(
          Object.entries(now)
            .map(([key, n]) => [key, n - (then[key] ?? 0)] as const)
            .filter(([, n]) => n > 0),
        );
      return { fetched: diff(fetches, before.fetches), ran: diff(app.runs, before.runs) };
    }
    return { client, data, measure };
  }

  it('a call refreshes that query, with the new value from the server', async () => {
    const { client, data, measure } = await setup();
    const { fetched, ran } = await measure(() =>
      client.users.rename.mutate({ userId: 1, name: 'Ada L.' }),
    );
    expect(fetched).toEqual({ 'users.get(1)': 1 });
    expect(ran).toEqual({ 'users.get(1)': 1 }); // the server's entry was gone too
    expect(data()).toMatchObject({ 'users.get(1)': 'Ada L.', 'users.get(2)': 'Grace' });
  });

  it('a sub-router refreshes every query under it and nothing else', async () => {
    const { client, data, measure } = await setup();
    const { fetched, ran } = await measure(() => client.users.renameAll.mutate({ suffix: '!' }));
    const users = { 'users.get(1)': 1, 'users.get(2)': 1, 'users.list': 1 };
    expect(fetched).toEqual(users);
    expect(ran).toEqual(users);
    expect(data()).toEqual({
      'users.get(1)': 'Ada!',
      'users.get(2)': 'Grace!',
      'users.list': ['Ada!', 'Grace!'],
      'posts.list': ['hello'],
    });
  });

  it('a tag refreshes the queries whose Routecache-Tags carried it', async () => {
    const { client, data, measure } = await setup();
    const { fetched, ran } = await measure(() =>
      client.users.retag.mutate({ userId: 2, name: 'G.' }),
    );
    expect(ran).toEqual({ 'users.get(2)': 1 });
    if (linkName === 'httpLink') {
      expect(fetched).toEqual({ 'users.get(2)': 1 });
    } else {
      // One batch answered both users.get calls: each carries both tags (more, never less);
      // the server still holds users.get(1)'s entry, so that refetch is a hit.
      expect(fetched).toEqual({ 'users.get(1)': 1, 'users.get(2)': 1 });
    }
    expect(data()).toMatchObject({ 'users.get(2)': 'G.' });
  });
});
