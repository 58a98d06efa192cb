/**
 * routecache behind a real Varnish (Debian varnish + varnish-modules' vmod xkey), running the
 * VCL of examples/cdn: the real `@trpc/client` talks to Varnish, Varnish to a tRPC server with
 * routecache (`cdn: 'varnish'`), and the cache's `varnishPurger` purges Varnish by xkey on every
 * invalidation — through a TCP proxy the test can cut, to play a Varnish that is down.
 */
import type { AddressInfo } from 'node:net';
import { createCache, memoryStore } from '@routecache/core';
import { varnishPurger } from '@routecache/core/cdn';
import { createCacheMiddleware, createRouteHelpers } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import type { CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { type RecordingClient, recordingClient } from '../support/trpc-client.js';
import {
  EXAMPLE_VCL,
  startVarnish,
  type Varnish,
  varnishAvailable,
  vclFor,
} from '../support/varnish.js';

interface Ctx {
  user: string | undefined;
}

function buildApp(purgeVia: () => string) {
  const runs: Record<string, number> = {};
  const ran = (name: string) => {
    runs[name] = (runs[name] ?? 0) + 1;
    return runs[name];
  };
  const names = new Map([[1, 'Ada']]);
  const posts = ['first'];
  const cache = createCache({
    store: memoryStore(),
    // Short retries so the test sees one after Varnish comes back.
    purger: {
      purge: (keys, signal) => varnishPurger({ hosts: [purgeVia()] })(keys, signal),
      timeout: 1000,
      backoff: 100,
      retries: 20,
    },
  });
  const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user });
  const t = initTRPC.context<Ctx>().create();
  const helpers = createRouteHelpers(() => router);
  const users = helpers.router('users', {
    get: helpers.procedure<{ userId: number }>('users.get'),
    list: helpers.procedure<undefined>('users.list'),
  });
  const UserId = z.object({ userId: z.number() });
  // The entry outlives the CDN lifetime, so s-maxage is the route's 300 s, not what is left.
  const shared = { scope: 'public', sMaxAge: 300, ttl: 600 } as const;
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input(UserId)
        .use(cacheMiddleware({ ...shared, tags: ({ input }) => [`user:${input.userId}`] }))
        .query(({ input }) => ({ name: names.get(input.userId), run: ran('users.get') })),
      list: t.procedure
        .use(cacheMiddleware(shared))
        .query(() => ({ names: [...names.values()], run: ran('users.list') })),
      // By key: one call's entry (every variant) and its Varnish object.
      rename: t.procedure
        .input(UserId.extend({ name: z.string() }))
        .use(helpers.invalidates(({ input }) => [users.get({ userId: input.userId })]))
        .mutation(({ input }) => {
          names.set(input.userId, input.name);
          return input.userId;
        }),
      // By sub-router: everything under users (the @users path tag).
      renameAll: t.procedure
        .input(z.string())
        .use(helpers.invalidates(() => [users]))
        .mutation(({ input }) => {
          for (const id of names.keys()) names.set(id, input);
          return names.size;
        }),
    }),
    posts: t.router({
      list: t.procedure
        .use(cacheMiddleware({ ...shared, tags: ['posts'] }))
        .query(() => ({ posts: [...posts], run: ran('posts.list') })),
      // By tag.
      add: t.procedure
        .input(z.string())
        .use(helpers.invalidates(() => [helpers.tag('posts')]))
        .mutation(({ input }) => posts.push(input)),
    }),
    // Private by default (a principal): routecache caches it per user, Varnish must not.
    me: t.procedure
      .use(cacheMiddleware({}))
      .query(({ ctx }) => ({ user: ctx.user, run: ran('me') })),
    // Public but without sMaxAge: browsers revalidate (no-cache), shared caches keep nothing.
    feed: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => ({ run: ran('feed') })),
  });
  return { router, cache, runs };
}

type App = ReturnType<typeof buildApp>['router'];

describe.skipIf(!varnishAvailable())(
  'behind a real Varnish (vmod xkey)',
  { timeout: 60_000 },
  () => {
    let app: ReturnType<typeof buildApp>;
    let varnish: Varnish;
    let proxy: TcpProxy;
    let origin: ReturnType<typeof createCachedHTTPServer>;
    /** HTTP requests that reached the tRPC server. */
    let reached = 0;

    beforeAll(async () => {
      app = buildApp(() => `http://127.0.0.1:${proxy.port}`);
      origin = createCachedHTTPServer(
        {
          router: app.router,
          basePath: '/trpc/',
          createContext: ({ req }: CreateHTTPContextOptions) => ({
            user: typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : undefined,
          }),
        },
        { cdn: 'varnish' },
      );
      origin.on('request', () => {
        reached++;
      });
      await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
      varnish = await startVarnish(vclFor(EXAMPLE_VCL, (origin.address() as AddressInfo).port));
      proxy = await startTcpProxy({ host: '127.0.0.1', port: varnish.port });
    }, 60_000);

    afterAll(async () => {
      await proxy?.close();
      await varnish?.stop();
      origin?.closeAllConnections();
      origin?.close();
      await app?.cache.dispose();
    });

    /** Every client of the suite: what Varnish said on each response is counted at the end. */
    const clients: RecordingClient<App>[] = [];
    function client(headers: Record<string, string> = {}, batch = false) {
      const recording = recordingClient<App>(`${varnish.url}/trpc`, { headers, batch });
      clients.push(recording);
      return recording;
    }

    it('first request: a Varnish miss and a routecache MISS; second: a Varnish hit that never reaches the server', async () => {
      const { client: c, last } = client();
      const first = reached;
      expect(await c.users.get.query({ userId: 1 })).toEqual({ name: 'Ada', run: 1 });
      expect(last().headers.get('x-cache')).toBe('MISS');
      expect(last().headers.get('cache-status')).toBe(
        'routecache; fwd=miss; stored, varnish; fwd=miss; stored',
      );
      // The surrogate keys and CDN directives are Varnish's: it strips them for the client.
      expect(last().headers.get('xkey')).toBeNull();
      expect(last().headers.get('cache-control')).toBe('max-age=0, s-maxage=300');
      expect(reached).toBe(first + 1);

      expect(await c.users.get.query({ userId: 1 })).toEqual({ name: 'Ada', run: 1 });
      expect(last().headers.get('cache-status')).toBe('routecache; fwd=miss; stored, varnish; hit');
      expect(reached).toBe(first + 1);
      expect(app.runs['users.get']).toBe(1);
    });

    it('invalidation by key purges Varnish: the next request reaches the server and gets the new value', async () => {
      const { client: c, last } = client();
      await c.users.get.query({ userId: 1 }); // a Varnish hit
      const before = reached;
      await c.users.rename.mutate({ userId: 1, name: 'Grace' });
      expect(reached).toBe(before + 1); // the mutation itself (POST: Varnish passes it)
      expect(await c.users.get.query({ userId: 1 })).toEqual({ name: 'Grace', run: 2 });
      expect(reached).toBe(before + 2);
      expect(last().headers.get('cache-status')).toMatch(/varnish; fwd=miss; stored$/);
      await c.users.get.query({ userId: 1 });
      expect(last().headers.get('cache-status')).toMatch(/varnish; hit$/);
      expect(reached).toBe(before + 2);
    });

    it('invalidation by tag purges Varnish', async () => {
      const { client: c } = client();
      expect((await c.posts.list.query()).posts).toEqual(['first']);
      await c.posts.list.query();
      const before = reached;
      const runs = app.runs['posts.list'];
      await c.posts.add.mutate('second');
      expect(await c.posts.list.query()).toEqual({
        posts: ['first', 'second'],
        run: (runs ?? 0) + 1,
      });
      expect(reached).toBe(before + 2);
    });

    it('invalidation of a sub-router (@users) purges every Varnish object under it', async () => {
      const { client: c } = client();
      await c.users.list.query();
      await c.users.list.query();
      await c.users.get.query({ userId: 1 });
      const before = reached;
      await c.users.renameAll.mutate('Linus');
      expect(await c.users.list.query()).toMatchObject({ names: ['Linus'] });
      expect(await c.users.get.query({ userId: 1 })).toMatchObject({ name: 'Linus' });
      expect(reached).toBe(before + 3);
    });

    it('a batch is one Varnish object filed under the union of its keys; a private call keeps it out', async () => {
      const { client: c, last } = client({}, true);
      const both = () => Promise.all([c.users.get.query({ userId: 1 }), c.posts.list.query()]);
      await both();
      const before = reached;
      await both();
      expect(last().headers.get('cache-status')).toMatch(
        /^routecache; (hit; ttl=\d+|fwd=\w+)[^,]*, varnish; hit$/,
      );
      expect(reached).toBe(before);
      // Purging one tag of one call of the batch purges the whole batch response.
      await client().client.posts.add.mutate('batched');
      const [, list] = await both();
      expect(list.posts).toContain('batched');
      expect(last().headers.get('x-cache')).toBe('HIT, MISS');
      expect(last().headers.get('cache-status')).toBe(
        'routecache; fwd=partial, varnish; fwd=miss; stored',
      );
      expect(reached).toBe(before + 2);

      const ada = client({ 'x-user': 'ada' }, true);
      const mixed = () => Promise.all([ada.client.posts.list.query(), ada.client.me.query()]);
      await mixed();
      const beforeMixed = reached;
      await mixed();
      expect(ada.last().headers.get('cache-control')).toBe('private, no-cache');
      expect(ada.last().headers.get('cache-status')).toMatch(/varnish; fwd=bypass$/);
      expect(reached).toBe(beforeMixed + 1);
    });

    it('private and uncacheable responses are never stored by Varnish', async () => {
      const ada = client({ 'x-user': 'ada' });
      const before = reached;
      for (let i = 0; i < 3; i++) await ada.client.me.query();
      // routecache keeps Ada's entry (HIT), Varnish passes every request to the server.
      expect(ada.last().headers.get('x-cache')).toBe('HIT');
      expect(ada.last().headers.get('cache-control')).toBe('private, no-cache');
      expect(ada.last().headers.get('cache-status')).toMatch(
        /^routecache; hit; ttl=\d+, varnish; fwd=bypass$/,
      );
      const anonymous = client();
      for (let i = 0; i < 3; i++) await anonymous.client.feed.query();
      expect(anonymous.last().headers.get('cache-control')).toBe('no-cache');
      expect(anonymous.last().headers.get('cache-status')).toMatch(/varnish; fwd=bypass$/);
      expect(reached).toBe(before + 6);
    });

    it('a Varnish that is down does not fail the mutation; the purge is retried when it is back', async () => {
      const { client: c } = client();
      await c.posts.list.query(); // stored in Varnish (after the last purge)
      const failed: boolean[] = [];
      const offError = app.cache.on('purgeError', ({ willRetry }) => failed.push(willRetry));
      let purged = false;
      const offPurged = app.cache.on('purged', () => {
        purged = true;
      });
      proxy.partition(true);
      const started = Date.now();
      await c.posts.add.mutate('third'); // resolves: the purge failed in the background
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(failed[0]).toBe(true);
      // Varnish still has the old list: the purge did not reach it.
      expect((await c.posts.list.query()).posts).not.toContain('third');
      proxy.partition(false);
      await expect.poll(() => purged, { timeout: 20_000 }).toBe(true);
      expect((await c.posts.list.query()).posts).toContain('third');
      offError();
      offPurged();
    });

    it("Varnish's own counters agree with what it said on every response", async () => {
      const tally = { hit: 0, miss: 0, bypass: 0 };
      for (const { headers } of clients.flatMap((c) => c.responses)) {
        const member = headers
          .get('cache-status')
          ?.match(/varnish; (hit|fwd=miss|fwd=bypass)/)?.[1];
        if (member === 'hit') tally.hit++;
        else if (member === 'fwd=miss') tally.miss++;
        else tally.bypass++;
      }
      expect(tally.hit).toBeGreaterThan(5);
      // Workers publish their counters when they finish a task: wait until they all have. A
      // hit-for-miss (an object Varnish remembers as uncacheable) counts in cache_miss too.
      const forwarded = (stats: Record<string, number>) =>
        (stats['MAIN.cache_miss'] ?? 0) + (stats['MAIN.s_pass'] ?? 0);
      await expect
        .poll(
          async () => {
            const stats = await varnish.stats();
            return { hits: stats['MAIN.cache_hit'], forwarded: forwarded(stats) };
          },
          { timeout: 20_000 },
        )
        .toEqual({ hits: tally.hit, forwarded: tally.miss + tally.bypass });
      const stats = await varnish.stats();
      console.log(
        `Varnish: ${tally.hit} hits, ${tally.miss} misses stored, ${tally.bypass} passed (never stored); varnishstat cache_hit=${stats['MAIN.cache_hit']} cache_miss=${stats['MAIN.cache_miss']} cache_hitmiss=${stats['MAIN.cache_hitmiss']} s_pass=${stats['MAIN.s_pass']} backend_req=${stats['MAIN.backend_req']}; requests reaching the origin: ${reached}`,
      );
    });
  },
);
