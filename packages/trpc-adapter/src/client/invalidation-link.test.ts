/**
 * The invalidation link against a real tRPC HTTP server and a real React Query client
 * (`@tanstack/query-core`): the server's responses carry `Routecache-Invalidate` and
 * `Routecache-Tags` written with the wire encoders (what routecache's HTTP glue does), queries
 * are observed the way `useQuery` observes them, and the resolver counts show which refetched.
 */
import type { AddressInfo } from 'node:net';
import {
  type CallTags,
  encodeCallTags,
  encodeInvalidation,
  type Invalidation,
} from '@routecache/core/adapter';
import { InfiniteQueryObserver, QueryClient, QueryObserver } from '@tanstack/query-core';
import {
  createTRPCClient,
  createTRPCUntypedClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { invalidationLink } from './invalidation-link.js';

/** What one request's calls reported, for `responseMeta` to encode (as the glue does). */
interface Ctx {
  readonly queries: CallTags[];
  readonly mutations: Invalidation[];
}

const t = initTRPC.context<Ctx>().create();
const runs = new Map<string, number>();
function ran(name: string): void {
  runs.set(name, (runs.get(name) ?? 0) + 1);
}
/** A query resolver that counts its runs and reports `tags` for its response. */
function tagged<TInput>(path: string, tags: (input: TInput) => string[]) {
  return ({ input, ctx }: { input: TInput; ctx: Ctx }) => {
    ran(`${path}${input === undefined ? '' : JSON.stringify(input)}`);
    ctx.queries.push([path, tags(input)]);
    return { path, input: input ?? null };
  };
}
const invalidation = z.object({
  calls: z.array(z.tuple([z.string(), z.unknown()])).default([]),
  paths: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
});
let overflow = false;

const router = t.router({
  users: {
    get: t.procedure
      .input(z.object({ userId: z.number() }))
      .query(tagged('users.get', ({ userId }) => ['users', `user:${userId}`])),
    list: t.procedure.query(tagged('users.list', () => ['users'])),
    feed: t.procedure
      .input(z.object({ limit: z.number(), cursor: z.number().nullish() }))
      .query(tagged('users.feed', ({ cursor }) => ['feed', `page:${cursor ?? 0}`])),
  },
  posts: { list: t.procedure.query(tagged('posts.list', () => ['posts'])) },
  untagged: t.procedure.query(() => {
    ran('untagged');
    return 'x';
  }),
  // Stands for a mutation declared with `invalidates(...)`: it reports what it invalidated.
  write: t.procedure.input(invalidation).mutation(({ input, ctx }) => {
    ctx.mutations.push(input);
    return 'ok';
  }),
  // A mutation that declares nothing: its response carries no Routecache-Invalidate.
  plain: t.procedure.mutation(() => 'ok'),
  fail: t.procedure.mutation(() => {
    throw new Error('refused');
  }),
});

const server = createHTTPServer({
  router,
  createContext: (): Ctx => ({ queries: [], mutations: [] }),
  responseMeta({ ctx, type, info }) {
    // As the glue: a streamed response's head goes before any call ran (nothing to say), and a
    // header is written only when there is something in it.
    if (ctx === undefined || info?.accept === 'application/jsonl') return {};
    if (type === 'query') {
      if (ctx.queries.length === 0) return {};
      return { headers: { 'routecache-tags': encodeCallTags(ctx.queries) } };
    }
    if (ctx.mutations.length === 0) return {};
    const union: Invalidation = {
      calls: ctx.mutations.flatMap((m) => m.calls),
      paths: ctx.mutations.flatMap((m) => m.paths),
      tags: ctx.mutations.flatMap((m) => m.tags),
    };
    return {
      headers: { 'routecache-invalidate': encodeInvalidation(union, overflow ? 16 : undefined) },
    };
  },
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

type Terminating = 'http' | 'batch' | 'stream-queries';
function terminating(kind: Terminating): TRPCLink<typeof router> {
  if (kind === 'http') return httpLink({ url });
  if (kind === 'batch') return httpBatchLink({ url });
  return splitLink({
    condition: (op) => op.type === 'mutation',
    true: httpBatchLink({ url }),
    false: httpBatchStreamLink({ url }),
  });
}

let queryClient: QueryClient;
let invalidateCalls: number;
const unsubscribes: (() => void)[] = [];
beforeEach(() => {
  runs.clear();
  overflow = false;
  queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  invalidateCalls = 0;
});
afterEach(() => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  queryClient.clear();
});

function setup(
  kind: Terminating,
  options: { maxTrackedQueries?: number; keyPrefix?: string } = {},
) {
  const counted = {
    invalidateQueries: (filters: Parameters<QueryClient['invalidateQueries']>[0]) => {
      invalidateCalls++;
      return queryClient.invalidateQueries(filters);
    },
  };
  const links = [invalidationLink({ queryClient: counted, ...options }), terminating(kind)];
  const client = createTRPCClient<typeof router>({ links });
  // By path, as the React Query integrations call it: one client, the same link instances.
  const byPath = createTRPCUntypedClient<typeof router>({ links });
  const prefix = options.keyPrefix === undefined ? [] : [[options.keyPrefix]];
  /** Observe a query as `useQuery` would, under tRPC's key shape. */
  function observe(path: string, input?: unknown) {
    const segments = path.split('.');
    const observer = new QueryObserver(queryClient, {
      queryKey: [...prefix, segments, { ...(input !== undefined && { input }), type: 'query' }],
      queryFn: () => byPath.query(path, input),
    });
    unsubscribes.push(observer.subscribe(() => {}));
    return observer;
  }
  return { client, observe };
}

/** Wait for every fetch to settle, then return the resolver runs. */
async function settled(): Promise<Record<string, number>> {
  await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
  return Object.fromEntries(runs);
}

/** Start the four observers, wait for their first fetch, and forget those runs. */
async function fourQueries(observe: ReturnType<typeof setup>['observe']): Promise<void> {
  observe('users.get', { userId: 1 });
  observe('users.get', { userId: 2 });
  observe('users.list');
  observe('posts.list');
  await vi.waitFor(() => expect(runs.size).toBe(4));
  await settled();
  runs.clear();
}

describe.each<Terminating>(['http', 'batch'])('invalidationLink over %s', (kind) => {
  it('a call refetches exactly that query', async () => {
    const { client, observe } = setup(kind);
    await fourQueries(observe);
    await client.write.mutate({ calls: [['users.get', { userId: 1 }]] });
    expect(await settled()).toEqual({ 'users.get{"userId":1}': 1 });
  });

  it('a path refetches every query under it, as utils.users.invalidate() does', async () => {
    const { client, observe } = setup(kind);
    await fourQueries(observe);
    await client.write.mutate({ paths: ['users'] });
    expect(await settled()).toEqual({
      'users.get{"userId":1}': 1,
      'users.get{"userId":2}': 1,
      'users.list': 1,
    });
    runs.clear();
    await client.write.mutate({ paths: ['users.get'] });
    expect(await settled()).toEqual({ 'users.get{"userId":1}': 1, 'users.get{"userId":2}': 1 });
  });

  it('* (too much to say) refetches every tRPC query and no other', async () => {
    const { client, observe } = setup(kind);
    await fourQueries(observe);
    const foreign = new QueryObserver(queryClient, {
      queryKey: ['not-trpc'],
      queryFn: () => {
        ran('not-trpc');
        return 1;
      },
    });
    unsubscribes.push(foreign.subscribe(() => {}));
    await settled();
    runs.clear();
    overflow = true;
    await client.write.mutate({ tags: ['posts'] });
    expect(await settled()).toEqual({
      'users.get{"userId":1}': 1,
      'users.get{"userId":2}': 1,
      'users.list': 1,
      'posts.list': 1,
    });
  });

  it('an inactive match is marked stale, not refetched; nothing else is touched', async () => {
    const { client, observe } = setup(kind);
    await fourQueries(observe);
    unsubscribes.splice(0, 1)[0]?.(); // users.get(1) loses its only observer
    await client.write.mutate({ paths: ['users.get'] });
    expect(await settled()).toEqual({ 'users.get{"userId":2}': 1 });
    const state = (input: unknown, path = ['users', 'get']) =>
      queryClient.getQueryState([path, { input, type: 'query' }]);
    expect(state({ userId: 1 })?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState([['posts', 'list'], { type: 'query' }])?.isInvalidated).toBe(
      false,
    );
  });

  it('without the link the headers are ignored and calls work as before', async () => {
    const client = createTRPCClient<typeof router>({ links: [terminating(kind)] });
    expect(await client.users.list.query()).toMatchObject({ path: 'users.list' });
    expect(await client.write.mutate({ paths: ['users'] })).toBe('ok');
  });
});

describe('tags', () => {
  it('over httpLink, a tag refetches exactly the queries whose response carried it', async () => {
    const { client, observe } = setup('http');
    await fourQueries(observe);
    await client.write.mutate({ tags: ['user:2'] });
    expect(await settled()).toEqual({ 'users.get{"userId":2}': 1 });
    runs.clear();
    await client.write.mutate({ tags: ['users'] });
    expect(await settled()).toEqual({
      'users.get{"userId":1}': 1,
      'users.get{"userId":2}': 1,
      'users.list': 1,
    });
  });

  it('in a batch, an op carries the union of its path’s entries: more, never less', async () => {
    const { client, observe } = setup('batch');
    await fourQueries(observe);
    // users.get(1) and users.get(2) shared a response: each carries user:1 and user:2.
    await client.write.mutate({ tags: ['user:2'] });
    expect(await settled()).toEqual({ 'users.get{"userId":1}': 1, 'users.get{"userId":2}': 1 });
  });

  it('a query the link does not know counts as carrying every tag', async () => {
    const { client, observe } = setup('http', { maxTrackedQueries: 2 });
    observe('users.get', { userId: 1 });
    observe('users.get', { userId: 2 });
    await vi.waitFor(() => expect(runs.size).toBe(2));
    observe('users.list');
    observe('posts.list');
    await vi.waitFor(() => expect(runs.size).toBe(4));
    await settled(); // users.get(1) and users.get(2) are forgotten
    runs.clear();
    await client.write.mutate({ tags: ['posts'] });
    const refetched = await settled();
    expect(refetched['posts.list']).toBe(1);
    expect(refetched['users.list']).toBeUndefined(); // remembered, and not tagged posts
    expect(Object.keys(refetched).length).toBeGreaterThan(1);
  });

  it('a response without the header carried no tags', async () => {
    const { client, observe } = setup('http');
    observe('untagged');
    observe('posts.list');
    await vi.waitFor(() => expect(runs.size).toBe(2));
    await settled();
    runs.clear();
    await client.write.mutate({ tags: ['users'] });
    // `untagged`'s own response (httpLink) had no Routecache-Tags: known, no tags.
    expect(await settled()).toEqual({});
  });

  it('an infinite query carries the union of its pages’ tags and matches its call without cursor', async () => {
    const { client } = setup('http');
    const input = { limit: 2 };
    const observer = new InfiniteQueryObserver(queryClient, {
      queryKey: [['users', 'feed'], { input, type: 'infinite' }],
      queryFn: ({ pageParam }) =>
        client.users.feed.query({ ...input, cursor: pageParam as number | null }),
      initialPageParam: null as number | null,
      getNextPageParam: (_last, pages) => pages.length,
    });
    unsubscribes.push(observer.subscribe(() => {}));
    await settled();
    await observer.fetchNextPage();
    await settled();
    runs.clear();
    await client.write.mutate({ tags: ['page:1'] }); // the second page's tag
    expect(await settled()).toEqual({
      'users.feed{"limit":2,"cursor":null}': 1,
      'users.feed{"limit":2,"cursor":1}': 1,
    });
    runs.clear();
    await client.write.mutate({ calls: [['users.feed', { limit: 2, cursor: 5 }]] });
    expect(Object.keys(await settled())).toHaveLength(2);
  });
});

describe('responses', () => {
  it('applies a batch response’s header once, a failed op’s neighbours included', async () => {
    const { client, observe } = setup('batch');
    await fourQueries(observe);
    const [first, second, failed] = await Promise.allSettled([
      client.write.mutate({ calls: [['users.get', { userId: 1 }]] }),
      client.write.mutate({ paths: ['posts'] }),
      client.fail.mutate(),
    ]);
    expect([first.status, second.status, failed.status]).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(invalidateCalls).toBe(1);
    expect(await settled()).toEqual({ 'users.get{"userId":1}': 1, 'posts.list': 1 });
  });

  it('a mutation with nothing to invalidate calls nothing', async () => {
    const { client, observe } = setup('http');
    await fourQueries(observe);
    await client.write.mutate({});
    expect(invalidateCalls).toBe(0);
    expect(await settled()).toEqual({});
  });

  it('streamed queries are unknown (every tag); a streamed mutation warns once', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const plain = createTRPCClient<typeof router>({
        links: [invalidationLink({ queryClient }), httpBatchLink({ url })],
      });
      await plain.plain.mutate(); // no header, not streamed: nothing to say, no warning
      expect(warn).not.toHaveBeenCalled();
      const streamed = createTRPCClient<typeof router>({
        links: [invalidationLink({ queryClient }), httpBatchStreamLink({ url })],
      });
      await streamed.write.mutate({ paths: ['users'] });
      await streamed.write.mutate({ paths: ['users'] });
      const codes = warn.mock.calls.map(([, options]) => (options as { code?: string }).code);
      expect(codes.filter((code) => code === 'ROUTECACHE_STREAMED_MUTATION')).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
    const { client, observe } = setup('stream-queries');
    await fourQueries(observe);
    await client.write.mutate({ tags: ['users'] });
    // No tags reached the link: posts.list counts as carrying `users` too.
    expect(await settled()).toEqual({
      'users.get{"userId":1}': 1,
      'users.get{"userId":2}': 1,
      'users.list': 1,
      'posts.list': 1,
    });
  });

  it('manages only the keys under its keyPrefix', async () => {
    const { client, observe } = setup('http', { keyPrefix: 'app' });
    await fourQueries(observe);
    const other = new QueryObserver(queryClient, {
      queryKey: [['users', 'list'], { type: 'query' }],
      queryFn: () => {
        ran('unprefixed');
        return 1;
      },
    });
    unsubscribes.push(other.subscribe(() => {}));
    await settled();
    runs.clear();
    await client.write.mutate({ paths: ['users.list'] });
    expect(await settled()).toEqual({ 'users.list': 1 });
  });

  it('refuses a maxTrackedQueries that is not a positive integer', () => {
    expect(() => invalidationLink({ queryClient, maxTrackedQueries: 0 })).toThrow(
      /maxTrackedQueries/,
    );
  });
});
