/**
 * Guards against a missing half of the HTTP glue silently turning safety off. Without
 * `withCacheContext` the middleware cannot see `Set-Cookie`: a call that looks like HTTP (tRPC's
 * HTTP adapters always pass a `signal`) is then served uncached (BYPASS) with one warning naming
 * the fix. Without the handler wrapper every cache header is lost: `withCacheContext` warns once.
 * Server-side callers (createCaller without a signal) keep caching; `transport` declares it
 * either way. Real HTTP servers, the real tRPC client.
 */
import { createCache, memoryStore } from '@routecache/core';
import { type CacheSetup, createCacheMiddleware, withCacheContext } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { type CreateHTTPContextOptions, createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { recordingClient } from '../support/trpc-client.js';
import {
  type AdapterKind,
  type GlueOptions,
  HTTP_ADAPTERS,
  listenServer,
  startTrpcServer,
  type TestContext,
} from '../support/trpc-server.js';

type Transport = CacheSetup['transport'];

const t = initTRPC.context<TestContext>().create();

function buildRouter(transport?: Transport) {
  const runs: Record<string, number> = {};
  const count = (name: string) => {
    runs[name] = (runs[name] ?? 0) + 1;
    return runs[name];
  };
  const cacheMiddleware = createCacheMiddleware(
    createCache({ store: memoryStore() }),
    transport === undefined ? {} : { transport },
  );
  const router = t.router({
    item: t.procedure
      .input(z.object({ id: z.string() }))
      .use(cacheMiddleware({ scope: 'public' }))
      .query(({ input }) => ({ id: input.id, run: count('item') })),
    setsCookie: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      ctx.setResponseHeader('set-cookie', 'sid=1');
      return count('setsCookie');
    }),
  });
  return { router, runs };
}
type Router = ReturnType<typeof buildRouter>['router'];

let warnings: { code: unknown; message: string }[] = [];
beforeAll(() => {
  const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  warnings = [];
  emit.mockImplementation((message: string | Error, options?: unknown) => {
    warnings.push({
      code: (options as { code?: unknown } | undefined)?.code,
      message: String(message),
    });
  });
});
const warned = (code: string) => warnings.filter((warning) => warning.code === code);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serve(kind: AdapterKind, glue: GlueOptions) {
  const app = buildRouter();
  const server = await startTrpcServer(kind, app.router, glue);
  closers.push(() => server.close());
  return { ...app, ...recordingClient<Router>(server.url) };
}

describe.each(HTTP_ADAPTERS)('without withCacheContext (%s adapter)', (kind) => {
  it('serves every call uncached, so a cookie is never replayed without it', async () => {
    const { client, last, runs } = await serve(kind, { cacheContext: false });
    for (let call = 1; call <= 2; call++) {
      expect(await client.setsCookie.query()).toBe(call);
      expect(last().headers.get('set-cookie')).toBe('sid=1');
      expect(last().headers.get('x-cache')).toBeNull();
    }
    await client.item.query({ id: '1' });
    expect(await client.item.query({ id: '1' })).toEqual({ id: '1', run: 2 });
    expect(runs).toEqual({ setsCookie: 2, item: 2 });

    const [warning, ...more] = warned('ROUTECACHE_NO_CACHE_CONTEXT');
    expect(more).toEqual([]);
    expect(warning?.message).toContain('withCacheContext');
    expect(warning?.message).toContain("transport: 'server'");
  });
});

/** The handler wrapper the warning names, by adapter. */
const WRAPPER: Record<AdapterKind, string> = {
  standalone: 'withNodeHttpCache',
  express: 'withNodeHttpCache',
  fetch: 'withHttpCache',
  fastify: 'withFastifyHttpCache',
};

describe.each(HTTP_ADAPTERS)('without the handler wrapper (%s adapter)', (kind) => {
  it('keeps caching and keeps cookies out, and warns once that headers are lost', async () => {
    const { client, last, runs } = await serve(kind, { httpCache: false });
    for (let call = 1; call <= 2; call++) {
      expect(await client.setsCookie.query()).toBe(call);
      expect(last().headers.get('set-cookie')).toBe('sid=1');
    }
    await client.item.query({ id: '1' });
    expect(await client.item.query({ id: '1' })).toEqual({ id: '1', run: 1 });
    expect(last().headers.get('x-cache')).toBeNull();
    expect(runs).toEqual({ setsCookie: 2, item: 1 });

    const wrapper = WRAPPER[kind];
    const matching = warned('ROUTECACHE_NO_HTTP_GLUE').filter((warning) =>
      warning.message.includes(wrapper),
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]?.message).toContain('headers');
  });
});

describe("tRPC's plain createHTTPServer", () => {
  async function listen(
    createContext: (opts: CreateHTTPContextOptions) => TestContext | Promise<TestContext>,
  ) {
    const app = buildRouter();
    const { url, close } = await listenServer(
      createHTTPServer({ router: app.router, basePath: '/trpc/', createContext }),
    );
    closers.push(close);
    return { ...app, ...recordingClient<Router>(url) };
  }
  const contextOf = ({ res }: CreateHTTPContextOptions): TestContext => ({
    user: null,
    lang: null,
    setResponseHeader: (name, value) => {
      res.setHeader(name, value);
    },
  });

  it('with no glue at all: nothing is stored, the cookie comes with every call', async () => {
    const { client, last, runs } = await listen(contextOf);
    for (let call = 1; call <= 2; call++) {
      expect(await client.setsCookie.query()).toBe(call);
      expect(last().headers.get('set-cookie')).toBe('sid=1');
    }
    await client.item.query({ id: '1' });
    await client.item.query({ id: '1' });
    expect(runs).toEqual({ setsCookie: 2, item: 2 });
  });

  it('with withCacheContext only: caches, and warned that headers are lost', async () => {
    const { client, last, runs } = await listen(withCacheContext(contextOf));
    await client.item.query({ id: '1' });
    await client.item.query({ id: '1' });
    expect(last().headers.get('x-cache')).toBeNull();
    expect(runs).toEqual({ item: 1 });
    expect(
      warned('ROUTECACHE_NO_HTTP_GLUE').some((w) => w.message.includes('withNodeHttpCache')),
    ).toBe(true);
  });
});

describe('server-side callers', () => {
  const ctx: TestContext = { user: null, lang: null, setResponseHeader: () => {} };

  it('keep caching without a signal (createCaller, a React Server Component)', async () => {
    const { router, runs } = buildRouter();
    const caller = t.createCallerFactory(router)(ctx);
    // RSC helpers hand createCaller a context function instead of a value.
    const rsc = t.createCallerFactory(router)(async () => ctx);
    expect(await caller.item({ id: '1' })).toEqual({ id: '1', run: 1 });
    expect(await rsc.item({ id: '1' })).toEqual({ id: '1', run: 1 });
    expect(runs).toEqual({ item: 1 });
  });

  it('given a signal, look like HTTP without the context: served uncached', async () => {
    const { router, runs } = buildRouter();
    const caller = t.createCallerFactory(router)(ctx, { signal: new AbortController().signal });
    await caller.item({ id: '1' });
    expect(await caller.item({ id: '1' })).toEqual({ id: '1', run: 2 });
    expect(runs).toEqual({ item: 2 });
  });

  it("follow an explicit transport: 'server' caches with a signal, 'http' never caches", async () => {
    const signal = new AbortController().signal;
    const server = buildRouter('server');
    const serverCaller = t.createCallerFactory(server.router)(ctx, { signal });
    await serverCaller.item({ id: '1' });
    expect(await serverCaller.item({ id: '1' })).toEqual({ id: '1', run: 1 });

    const http = buildRouter('http');
    const httpCaller = t.createCallerFactory(http.router)(ctx);
    await httpCaller.item({ id: '1' });
    expect(await httpCaller.item({ id: '1' })).toEqual({ id: '1', run: 2 });
  });
});
