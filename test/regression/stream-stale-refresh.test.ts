/**
 * Issue 8 item 11: with `staleWhileRevalidate`, an expired stream entry was served stale for the
 * whole window while every read ran the resolver and threw its stream away. A stale stream must
 * be revalidated once in the background, as a plain value is: one refresh at a time, read to its
 * end and stored, after which reads get the fresh value.
 */
import { createCache, memoryStore } from '@routecache/core';
import { drain } from '@routecache/core/testing';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpBatchStreamLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTrpcServer, type TestContext, type TrpcTestServer } from '../support/trpc-server.js';

/**
 * A `feed` stream (ttl 1 s, 60 s stale window) yielding the current version. While `hold` is
 * set, each stream waits for it after its first chunk, so a refresh stays in flight.
 */
function feedApp() {
  const cache = createCache({ store: memoryStore() });
  const cacheMiddleware = createCacheMiddleware(cache);
  const t = initTRPC.context<TestContext>().create();
  const state = { version: 1, runs: 0, hold: undefined as Promise<void> | undefined };
  const router = t.router({
    feed: t.procedure
      .use(cacheMiddleware({ scope: 'public', ttl: 1, staleWhileRevalidate: 60 }))
      .query(async () => {
        state.runs++;
        const { version, hold } = state;
        return (async function* () {
          yield { version };
          await hold;
          yield { version, part: 2 };
          return version;
        })();
      }),
  });
  return { router, state };
}

const serverContext: TestContext = { user: null, lang: null, setResponseHeader: () => {} };

/** Dozens of HTTP round trips per test: a generous ceiling for a busy 2-core box. */
const LOADED_BOX = { timeout: 60_000 };

/** The stream of one `feed` call, whatever the transport. */
type ReadFeed = () => Promise<AsyncIterable<unknown, unknown>>;

async function expectOneBackgroundRefresh(
  state: ReturnType<typeof feedApp>['state'],
  read: ReadFeed,
) {
  const v1 = { chunks: [{ version: 1 }, { version: 1, part: 2 }], returned: 1 };
  expect(await drain(await read())).toEqual(v1);
  expect(state.runs).toBe(1);

  // Expired, inside the stale window; the data changed meanwhile.
  vi.setSystemTime(Date.now() + 2_000);
  state.version = 2;
  let release: () => void = () => {};
  state.hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  // While the refresh is held mid-stream, every read is served the stale entry and none of
  // them starts another refresh.
  for (let call = 0; call < 20; call++) expect(await drain(await read())).toEqual(v1);
  expect(state.runs).toBe(2);

  release();
  state.hold = undefined;
  const v2 = { chunks: [{ version: 2 }, { version: 2, part: 2 }], returned: 2 };
  await vi.waitFor(async () => expect(await drain(await read())).toEqual(v2), {
    timeout: 10_000,
    interval: 20,
  });
  // The refreshed entry is fresh: served without running the resolver again.
  for (let call = 0; call < 5; call++) expect(await drain(await read())).toEqual(v2);
  expect(state.runs).toBe(2);
}

describe('a stale stream entry is refreshed once in the background', LOADED_BOX, () => {
  let server: TrpcTestServer | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await server?.close();
    server = undefined;
  });

  it('through createCaller', async () => {
    // Only Date: ttl and the stale window follow it, promises and I/O run for real.
    vi.useFakeTimers({ toFake: ['Date'] });
    const { router, state } = feedApp();
    const caller = initTRPC.context<TestContext>().create().createCallerFactory(router)(
      serverContext,
    );
    await expectOneBackgroundRefresh(state, () => caller.feed());
  });

  it.each(['standalone', 'fetch'] as const)(
    'over httpBatchStreamLink (%s adapter)',
    async (kind) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const { router, state } = feedApp();
      server = await startTrpcServer(kind, router);
      const client = createTRPCClient<typeof router>({
        links: [httpBatchStreamLink({ url: server.url })],
      });
      await expectOneBackgroundRefresh(state, () => client.feed.query());
    },
  );
});
