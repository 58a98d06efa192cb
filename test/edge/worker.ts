/**
 * A Workers-runtime app: tRPC's fetch adapter with routecache's memory store and fetch glue,
 * exactly as an edge deployment writes it. Bundled by esbuild for workerd in `edge.test.ts`.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, withCacheContext, withHttpCache } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { z } from 'zod';

const t = initTRPC.create();
const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore(), ttl: 60 }));
let runs = 0;

const router = t.router({
  post: t.procedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ scope: 'public', tags: ['posts'] }))
    .query(({ input }) => ({ id: input.id, run: ++runs, at: new Date(0) })),
  runs: t.procedure.query(() => runs),
});

const handler = withHttpCache((req: Request) =>
  fetchRequestHandler({ endpoint: '/trpc', req, router, createContext: withCacheContext() }),
);

export default { fetch: handler };
