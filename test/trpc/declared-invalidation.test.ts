/**
 * Declared invalidation over real HTTP with the real `@trpc/client`, on the standalone, fetch
 * and Express adapters: query responses carry `Routecache-Tags`, mutation responses carry
 * `Routecache-Invalidate` (the union of the batch's successful mutations), the server entries
 * are gone after the write, and a private entry's invalidation names no one's data.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, createRouteHelpers } from '@routecache/trpc';
import {
  decodeCallTags,
  decodeInvalidation,
  INVALIDATE_HEADER,
  TAGS_HEADER,
} from '@routecache/trpc/client';
import { type AnyTRPCRouter, initTRPC, TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingClient } from '../support/trpc-client.js';
import type { TestContext } from '../support/trpc-server.js';
import { type AdapterKind, startTrpcServer, type TrpcTestServer } from '../support/trpc-server.js';

/** A users/posts app: public users, a private inbox per caller, declared invalidations. */
function buildApp() {
  const runs: Record<string, number> = {};
  const count = (name: string) => {
    runs[name] = (runs[name] ?? 0) + 1;
    return runs[name];
  };
  const names = new Map([[1, 'Ada']]);
  const inbox = new Map<string, string[]>([
    ['ada', ['secret for ada']],
    ['bob', ['secret for bob']],
  ]);
  const cache = createCache({ store: memoryStore(), namespace: 'decl' });
  const cacheMiddleware = createCacheMiddleware(cache, {
    principal: (ctx: TestContext) => ctx.user ?? undefined,
  });
  const t = initTRPC.context<TestContext>().create();
  const helpers = createRouteHelpers(() => router);
  const users = helpers.router('users', {
    get: helpers.procedure<{ userId: number }>('users.get'),
    list: helpers.procedure<undefined>('users.list'),
  });
  const inboxRoute = helpers.router('inbox', { list: helpers.procedure<undefined>('inbox.list') });
  const UserId = z.object({ userId: z.number() });
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input(UserId)
        .use(cacheMiddleware({ scope: 'public', tags: ({ input }) => [`user:${input.userId}`] }))
        .query(({ input }) => ({ name: names.get(input.userId), run: count('users.get') })),
      list: t.procedure
        .use(cacheMiddleware({ scope: 'public', tags: ['users'] }))
        .query(() => ({ names: [...names.values()], run: count('users.list') })),
      rename: t.procedure
        .input(UserId.extend({ name: z.string() }))
        .use(
          helpers.invalidates(({ input }) => [
            users.get({ userId: input.userId }),
            users.list,
            helpers.tag('users'),
          ]),
        )
        .mutation(({ input }) => {
          if (input.name === '') throw new TRPCError({ code: 'BAD_REQUEST' });
          names.set(input.userId, input.name);
          return { renamed: input.userId };
        }),
      touchAll: t.procedure.use(helpers.invalidates(() => [users])).mutation(() => 'ok'),
    }),
    posts: t.router({
      list: t.procedure
        .use(cacheMiddleware({ scope: 'public' }))
        .query(() => ({ run: count('posts.list') })),
    }),
    inbox: t.router({
      list: t.procedure
        .use(cacheMiddleware({ scope: 'private', tags: ['inbox'] }))
        .query(({ ctx }) => ({ messages: inbox.get(ctx.user ?? '') ?? [], run: count('inbox') })),
      post: t.procedure
        .input(z.object({ to: z.string(), text: z.string() }))
        .use(helpers.invalidates(() => [inboxRoute.list]))
        .mutation(({ input }) => {
          inbox.get(input.to)?.push(input.text);
          return { delivered: true };
        }),
    }),
  });
  return { router, runs };
}

type App = ReturnType<typeof buildApp>['router'];

describe.each<AdapterKind>(['standalone', 'fetch', 'express'])(
  'declared invalidation over HTTP (%s adapter)',
  (kind) => {
    let server: TrpcTestServer;
    afterEach(() => server.close());
    async function start(): Promise<{ runs: Record<string, number>; router: AnyTRPCRouter }> {
      const app = buildApp();
      server = await startTrpcServer(kind, app.router);
      return app;
    }

    it('tags query responses and says on the mutation response what it invalidated', async () => {
      const { runs } = await start();
      const { client, last } = recordingClient<App>(server.url);
      await client.users.get.query({ userId: 1 });
      expect(last().headers.get(TAGS_HEADER)).toBe('1;[["users.get",["user:1"]]]');
      expect(last().headers.get(INVALIDATE_HEADER)).toBeNull();
      await client.users.list.query();
      expect(decodeCallTags(last().headers.get(TAGS_HEADER))).toEqual([['users.list', ['users']]]);

      expect(await client.users.rename.mutate({ userId: 1, name: 'Ada L.' })).toEqual({
        renamed: 1,
      });
      const header = last().headers.get(INVALIDATE_HEADER);
      expect(header).toBe(
        '1;{"calls":[["users.get",{"userId":1}]],"paths":["users.list"],"tags":["users"]}',
      );
      expect(last().headers.get(TAGS_HEADER)).toBeNull();

      // The server entries are gone: both reads run their resolver again, with the new name.
      expect(await client.users.get.query({ userId: 1 })).toEqual({ name: 'Ada L.', run: 2 });
      expect(await client.users.list.query()).toEqual({ names: ['Ada L.'], run: 2 });
      expect(runs['users.get']).toBe(2);
    });

    it('a batch header is the union of its successful mutations only', async () => {
      await start();
      const { client, responses } = recordingClient<App>(server.url, { batch: true });
      const results = await Promise.allSettled([
        client.users.rename.mutate({ userId: 1, name: '' }), // fails: contributes nothing
        client.users.touchAll.mutate(),
        client.inbox.post.mutate({ to: 'bob', text: 'hi' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
      expect(responses).toHaveLength(1);
      expect(decodeInvalidation(responses[0]?.headers.get(INVALIDATE_HEADER))).toEqual({
        calls: [],
        paths: ['users', 'inbox.list'],
        tags: [],
      });
    });

    it('a failed mutation sends no invalidation and keeps the server entries', async () => {
      const { runs } = await start();
      const { client, last } = recordingClient<App>(server.url);
      await client.users.get.query({ userId: 1 });
      await expect(client.users.rename.mutate({ userId: 1, name: '' })).rejects.toThrow();
      expect(last().headers.get(INVALIDATE_HEADER)).toBeNull();
      await client.users.get.query({ userId: 1 });
      expect(runs['users.get']).toBe(1);
    });

    it("a private entry's invalidation names no other user's data, and drops every user's entry", async () => {
      const { runs } = await start();
      const ada = recordingClient<App>(server.url, { headers: { 'x-user': 'ada' } });
      const bob = recordingClient<App>(server.url, { headers: { 'x-user': 'bob' } });
      expect((await ada.client.inbox.list.query()).messages).toEqual(['secret for ada']);
      expect((await bob.client.inbox.list.query()).messages).toEqual(['secret for bob']);
      expect(ada.last().headers.get(TAGS_HEADER)).toBe('1;[["inbox.list",["inbox"]]]');
      expect(runs.inbox).toBe(2);

      // Ada writes to Bob's inbox: the header names the procedure, nothing of Bob's or hers.
      await ada.client.inbox.post.mutate({ to: 'bob', text: 'hello bob' });
      const header = ada.last().headers.get(INVALIDATE_HEADER) ?? '';
      expect(header).toBe('1;{"calls":[],"paths":["inbox.list"],"tags":[]}');
      for (const leaked of ['bob', 'ada', 'secret', 'hello', 'decl:']) {
        expect(header).not.toContain(leaked);
      }

      // Every principal's variant was removed: Bob reads his new message, fresh.
      expect((await bob.client.inbox.list.query()).messages).toEqual([
        'secret for bob',
        'hello bob',
      ]);
      expect(runs.inbox).toBe(3);
      expect(bob.last().headers.get('x-cache')).toBe('MISS');
    });

    it('a 304 keeps Routecache-Tags, as the 200 it stands for sent it', async () => {
      await start();
      const url = `${server.url}/users.list`;
      const first = await fetch(url);
      const etag = first.headers.get('etag') ?? '';
      const notModified = await fetch(url, { headers: { 'if-none-match': etag } });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get(TAGS_HEADER)).toBe(first.headers.get(TAGS_HEADER));
      expect(notModified.headers.get(TAGS_HEADER)).toBe('1;[["users.list",["users"]]]');
    });
  },
);
