/**
 * `revalidatingFetch` (`@routecache/trpc/client`) with the real `@trpc/client` against a real
 * server: repeat reads are revalidated with `If-None-Match` and answered by empty 304s, so the
 * bytes the server writes drop while the app sees identical values; an invalidated entry comes
 * back as a 200 with the new data; two callers never see each other's private data.
 */
import { createCache, InvalidOptionError, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { type FetchLike, revalidatingFetch } from '@routecache/trpc/client';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { initTRPC, TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTrpcServer, type TestContext, type TrpcTestServer } from '../support/trpc-server.js';

function buildCatalog() {
  const cache = createCache({ store: memoryStore(), namespace: 'catalog' });
  const cacheMiddleware = createCacheMiddleware(cache, {
    principal: (ctx: TestContext) => ctx.user ?? undefined,
  });
  const t = initTRPC.context<TestContext>().create();
  const runs = { list: 0, me: 0 };
  let title = 'first';
  const router = t.router({
    list: t.procedure
      .input(z.object({ page: z.number() }))
      .use(cacheMiddleware({ scope: 'public', tags: ['catalog'] }))
      .query(({ input }) => {
        runs.list++;
        return Array.from({ length: 50 }, (_, i) => ({
          id: input.page * 100 + i,
          title: `${title} item ${i}`,
          tags: ['alpha', 'beta', 'gamma'],
        }));
      }),
    me: t.procedure
      .use(({ ctx, next }) => {
        if (ctx.user === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
        return next({ ctx: { user: ctx.user } });
      })
      .use(cacheMiddleware({ scope: 'private' }))
      .query(({ ctx }) => {
        runs.me++;
        return { user: ctx.user, secret: `${ctx.user}'s notes` };
      }),
    rename: t.procedure.input(z.string()).mutation(async ({ input }) => {
      title = input;
      await cache.invalidateTags(['catalog']);
    }),
  });
  return { router, runs };
}

type Catalog = ReturnType<typeof buildCatalog>['router'];

/** A fetch that records each response's status, then hands it on. */
function recordingStatuses(into: number[]): FetchLike {
  return async (input, init) => {
    const response = await fetch(input, init as RequestInit);
    into.push(response.status);
    return response;
  };
}

describe('revalidatingFetch', () => {
  let server: TrpcTestServer;
  let runs: ReturnType<typeof buildCatalog>['runs'];
  beforeEach(async () => {
    const catalog = buildCatalog();
    runs = catalog.runs;
    server = await startTrpcServer('standalone', catalog.router);
  });
  afterEach(() => server.close());

  describe.each([
    ['httpLink', httpLink],
    ['httpBatchLink', httpBatchLink],
  ] as const)('with %s', (_name, link) => {
    it('answers repeat reads from 304s: fewer bytes on the wire, identical values', async () => {
      const plain = createTRPCClient<Catalog>({ links: [link({ url: server.url })] });
      const statuses: number[] = [];
      const revalidating = createTRPCClient<Catalog>({
        links: [
          link({
            url: server.url,
            fetch: revalidatingFetch({ fetch: recordingStatuses(statuses) }),
          }),
        ],
      });
      const reads = 5;

      const first = await plain.list.query({ page: 1 });
      let before = server.bytesWritten();
      for (let read = 0; read < reads; read++) {
        expect(await plain.list.query({ page: 1 })).toEqual(first);
      }
      const plainBytes = server.bytesWritten() - before;

      expect(await revalidating.list.query({ page: 1 })).toEqual(first);
      before = server.bytesWritten();
      for (let read = 0; read < reads; read++) {
        expect(await revalidating.list.query({ page: 1 })).toEqual(first);
      }
      const revalidatedBytes = server.bytesWritten() - before;
      expect(statuses).toEqual([200, 304, 304, 304, 304, 304]);
      expect(runs.list).toBe(1);

      const ratio = revalidatedBytes / plainBytes;
      console.log(
        `[${_name}] ${reads} repeat reads: ${plainBytes} bytes plain, ${revalidatedBytes} revalidated (ratio ${ratio.toFixed(3)})`,
      );
      expect(ratio).toBeLessThan(0.2);
    });

    it('gets a 200 with the new data once the entry was invalidated', async () => {
      const statuses: number[] = [];
      const client = createTRPCClient<Catalog>({
        links: [
          link({
            url: server.url,
            fetch: revalidatingFetch({ fetch: recordingStatuses(statuses) }),
          }),
        ],
      });
      const before = await client.list.query({ page: 2 });
      expect(await client.list.query({ page: 2 })).toEqual(before);
      await client.rename.mutate('second');
      const after = await client.list.query({ page: 2 });
      expect(after[0]?.title).toBe('second item 0');
      expect(await client.list.query({ page: 2 })).toEqual(after);
      // Read, 304, the mutation's POST (passed through), 200 with new data, 304.
      expect(statuses).toEqual([200, 304, 200, 200, 304]);
      expect(runs.list).toBe(2);
    });
  });

  it('keeps private responses apart per identity header, and never replays one to another caller', async () => {
    const statuses: number[] = [];
    // One fetch shared by both users, as one SSR process serving many requests would.
    const shared = revalidatingFetch({
      fetch: recordingStatuses(statuses),
      keyHeaders: ['x-user'],
    });
    const clientOf = (user: string) =>
      createTRPCClient<Catalog>({
        links: [httpLink({ url: server.url, fetch: shared, headers: { 'x-user': user } })],
      });
    const alice = clientOf('alice');
    const bob = clientOf('bob');
    for (let round = 0; round < 2; round++) {
      expect(await alice.me.query()).toEqual({ user: 'alice', secret: "alice's notes" });
      expect(await bob.me.query()).toEqual({ user: 'bob', secret: "bob's notes" });
    }
    expect(statuses).toEqual([200, 200, 304, 304]);
    expect(runs.me).toBe(2);
  });

  it('does not keep a private response whose caller it cannot tell apart', async () => {
    const statuses: number[] = [];
    // x-user is not a key header here: the private response cannot be told apart by caller.
    const shared = revalidatingFetch({ fetch: recordingStatuses(statuses) });
    const clientOf = (user: string) =>
      createTRPCClient<Catalog>({
        links: [httpLink({ url: server.url, fetch: shared, headers: { 'x-user': user } })],
      });
    expect(await clientOf('alice').me.query()).toEqual({ user: 'alice', secret: "alice's notes" });
    expect(await clientOf('bob').me.query()).toEqual({ user: 'bob', secret: "bob's notes" });
    expect(await clientOf('alice').me.query()).toEqual({ user: 'alice', secret: "alice's notes" });
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('keeps a response per authorization value', async () => {
    const sent: (string | null)[] = [];
    const shared = revalidatingFetch({
      fetch: async (input, init) => {
        sent.push(new Headers(init?.headers).get('if-none-match'));
        return fetch(input, init as RequestInit);
      },
    });
    const clientOf = (token: string) =>
      createTRPCClient<Catalog>({
        links: [httpLink({ url: server.url, fetch: shared, headers: { authorization: token } })],
      });
    await clientOf('Bearer a').list.query({ page: 3 });
    await clientOf('Bearer b').list.query({ page: 3 });
    await clientOf('Bearer a').list.query({ page: 3 });
    expect(sent[0]).toBeNull();
    expect(sent[1]).toBeNull();
    expect(sent[2]).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });

  it('refuses invalid options with InvalidOptionError', () => {
    expect(() => revalidatingFetch({ maxBytes: 0 })).toThrow(InvalidOptionError);
    expect(() => revalidatingFetch({ keyHeaders: 'x-user' as never })).toThrow(InvalidOptionError);
    expect(() => revalidatingFetch({ maxbytes: 1 } as never)).toThrow(InvalidOptionError);
  });
});
