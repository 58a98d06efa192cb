/**
 * Issue 8, item 1: `principal: (ctx) => ctx.user` returning an object was hashed as
 * `[object Object]`, so every user shared one private entry; `null` or an array made every call
 * a 500 (TypeError); `''` keyed every anonymous caller to one private entry. A principal is a
 * non-empty string or a finite number; `undefined`, `null` and `''` mean "no principal"; any
 * other value fails the call with a `ConfigurationError` naming the route and the type — never
 * a shared key. Driven over real HTTP with the tRPC client.
 */
import { ConfigurationError, createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startTrpcServer, type TestContext, type TrpcTestServer } from '../support/trpc-server.js';

/** What an app's session lookup might hand back: the `x-user` header, as JSON. */
function session(header: string | null): unknown {
  if (header === null) return undefined;
  return header === 'NaN' ? Number.NaN : JSON.parse(header);
}

function buildRouter() {
  let runs = 0;
  const t = initTRPC.context<TestContext>().create();
  const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }), {
    // The wiring mistake under test: the whole session object (or whatever it is), not an id.
    principal: (ctx: TestContext) => session(ctx.user) as string | undefined,
  });
  const router = t.router({
    me: t.procedure
      .use(cacheMiddleware({ scope: 'private' }))
      .query(({ ctx }) => ({ user: ctx.user, run: ++runs })),
  });
  return router;
}

describe('principal types (real HTTP, tRPC client)', () => {
  let server: TrpcTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start() {
    server = await startTrpcServer('standalone', buildRouter());
    const { url } = server;
    const call = async (user: string | undefined) => {
      const response = await fetch(`${url}/me`, {
        headers: user === undefined ? {} : { 'x-user': user },
      });
      return {
        status: response.status,
        xCache: response.headers.get('x-cache'),
        body: (await response.json()) as { result?: { data: { user: string; run: number } } },
      };
    };
    return { server, url, call };
  }

  it.each([
    ['an object', '{"id":"alice"}', '{"id":"bob"}', 'object'],
    ['an array', '["alice"]', '["bob"]', 'array'],
    ['a boolean', 'true', 'false', 'boolean'],
    ['NaN', 'NaN', 'NaN', 'number'],
  ])(
    '%s never becomes a key: the call fails with a ConfigurationError naming route and type',
    async (_name, alice, bob, type) => {
      const { server, url, call } = await start();
      const client = createTRPCClient<ReturnType<typeof buildRouter>>({
        links: [httpLink({ url, headers: { 'x-user': alice } })],
      });
      const error = await client.me.query().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<ReturnType<typeof buildRouter>>).data?.httpStatus).toBe(500);
      const second = await call(bob);
      // Never bob served alice's entry.
      expect(second.status).toBe(500);
      expect(second.body.result).toBeUndefined();
      const cause = (server.errors[0] as Error).cause;
      expect(cause).toBeInstanceOf(ConfigurationError);
      expect((cause as ConfigurationError).context).toEqual({ path: 'me', type });
      expect((cause as ConfigurationError).message).toContain('"me"');
      expect((cause as ConfigurationError).message).toContain(`(${type})`);
    },
  );

  it.each([
    ['null', 'null'],
    ["''", '""'],
    ['no value', undefined],
  ])(
    '%s means no principal: a private route answers 200 uncached (BYPASS)',
    async (_name, header) => {
      const { call } = await start();
      const first = await call(header);
      const second = await call(header);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.xCache, second.xCache]).toEqual(['BYPASS', 'BYPASS']);
      // Each anonymous call ran the resolver: none was served another's private entry.
      expect([first.body.result?.data.run, second.body.result?.data.run]).toEqual([1, 2]);
    },
  );

  it('keys a finite number per principal, like its decimal string', async () => {
    const { call } = await start();
    const statuses = [];
    const runs = [];
    for (const user of ['42', '43', '42', '"42"', '43']) {
      const { status, xCache, body } = await call(user);
      expect(status).toBe(200);
      statuses.push(xCache);
      runs.push(body.result?.data.run);
    }
    expect(statuses).toEqual(['MISS', 'MISS', 'HIT', 'HIT', 'HIT']);
    expect(runs).toEqual([1, 2, 1, 1, 2]);
  });
});
