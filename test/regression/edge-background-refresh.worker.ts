/**
 * A Workers app whose cached procedure is served stale while it refreshes: `ttl` 1 s, then a
 * 60 s stale-while-revalidate window; the resolver waits on a timer, as one reading a database
 * does. Bundled for workerd by `edge-background-refresh.test.ts`.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, withCacheContext, withHttpCache } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

const t = initTRPC.create();
const cache = createCache({ store: memoryStore(), ttl: 1, staleWhileRevalidate: 60 });
const cacheMiddleware = createCacheMiddleware(cache);
let runs = 0;

const router = t.router({
  slow: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async () => {
    const run = ++runs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    return run;
  }),
});

const handler = withHttpCache((req: Request, _env: unknown, _ctx: unknown) =>
  fetchRequestHandler({ endpoint: '/trpc', req, router, createContext: withCacheContext() }),
);

export default { fetch: handler };
