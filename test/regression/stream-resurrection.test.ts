/**
 * Issue 8 item 10: a stream resolver that awaits before returning its iterable read its data
 * before the fill's fence was taken, so an invalidation during that await did not keep the old
 * stream out of the cache: the next call replayed the pre-invalidation value. The fence must be
 * taken before the resolver runs, as for plain values.
 */
import { type CacheStore, createCache, memoryStore } from '@routecache/core';
import { redisStore } from '@routecache/core/redis';
import { drain } from '@routecache/core/testing';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpBatchStreamLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { useRedisNode } from '../support/redis-clients.js';
import { redisAvailable } from '../support/redis-server.js';
import { startTrpcServer, type TestContext, type TrpcTestServer } from '../support/trpc-server.js';

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * A `feed` stream whose resolver reads the current version, then awaits `paused` before it
 * returns its iterable; `bump` changes the data and invalidates the route's tag.
 */
function feedApp(store: CacheStore = memoryStore()) {
  const cache = createCache({ store, storeTimeout: 2_000 });
  const cacheMiddleware = createCacheMiddleware(cache);
  const t = initTRPC.context<TestContext>().create();
  const data = { version: 1 };
  let reached = deferred();
  let paused: Promise<void> | undefined;
  const router = t.router({
    feed: t.procedure.use(cacheMiddleware({ scope: 'public', tags: ['feed'] })).query(async () => {
      const version = data.version;
      reached.resolve();
      if (paused !== undefined) await paused;
      return (async function* () {
        yield { version };
        return version;
      })();
    }),
    bump: t.procedure.mutation(async () => {
      data.version++;
      await cache.invalidateTags(['feed']);
      return data.version;
    }),
  });
  return {
    router,
    /** Make the next resolver run pause after reading; resolves once it has read. */
    pauseNextRun() {
      reached = deferred();
      const gate = deferred();
      paused = gate.promise;
      return {
        read: reached.promise,
        release() {
          paused = undefined;
          gate.resolve();
        },
      };
    },
  };
}

const serverContext: TestContext = { user: null, lang: null, setResponseHeader: () => {} };

/** Dozens of HTTP round trips per test: a generous ceiling for a busy 2-core box. */
const LOADED_BOX = { timeout: 60_000 };

/** The two procedures of {@link feedApp}, through one transport. */
interface FeedCalls {
  feed(): Promise<AsyncIterable<unknown, unknown>>;
  bump(): Promise<number>;
}

function serverCalls(app: ReturnType<typeof feedApp>): FeedCalls {
  const caller = initTRPC.context<TestContext>().create().createCallerFactory(app.router)(
    serverContext,
  );
  return { feed: () => caller.feed(), bump: () => caller.bump() };
}

/** Rounds of: empty entry, a call that pauses after reading, an invalidation, the next call. */
async function expectNoResurrection(app: ReturnType<typeof feedApp>, calls: FeedCalls) {
  for (let round = 0; round < 5; round++) {
    // Start from an empty entry, so the call below is a miss that runs the resolver.
    const read = await calls.bump();
    const pause = app.pauseNextRun();
    const pending = calls.feed();
    await pause.read;
    const current = await calls.bump();
    pause.release();
    // The call that started before the invalidation still answers with what it read...
    expect(await drain(await pending)).toEqual({ chunks: [{ version: read }], returned: read });
    // ...but the next call must see the data as it is after the invalidation.
    expect(await drain(await calls.feed())).toEqual({
      chunks: [{ version: current }],
      returned: current,
    });
  }
}

describe('a stream invalidated while its resolver awaits is not resurrected', LOADED_BOX, () => {
  let server: TrpcTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('through createCaller', async () => {
    const app = feedApp();
    await expectNoResurrection(app, serverCalls(app));
  });

  it.each(['standalone', 'fetch'] as const)(
    'over httpBatchStreamLink (%s adapter)',
    async (kind) => {
      const app = feedApp();
      server = await startTrpcServer(kind, app.router);
      const client = createTRPCClient<typeof app.router>({
        links: [httpBatchStreamLink({ url: server.url })],
      });
      await expectNoResurrection(app, {
        feed: () => client.feed.query(),
        bump: () => client.bump.mutate(),
      });
    },
  );
});

describe.skipIf(!redisAvailable())('on a Redis store with leases', LOADED_BOX, () => {
  const redis = useRedisNode();

  it('through createCaller', async () => {
    // A budget that never trips the breaker on a loaded box: this is about the fence, not speed.
    const store = redisStore({
      client: redis.client,
      prefix: 'resurrection:',
      leases: true,
      timeout: 1_000,
    });
    await store.ready();
    const app = feedApp(store);
    await expectNoResurrection(app, serverCalls(app));
  });
});
