/**
 * A Workers-runtime app: tRPC's fetch adapter with routecache's memory store and fetch glue,
 * exactly as an edge deployment writes it, and the client entry's revalidating fetch. Bundled
 * by esbuild for workerd in `workerd.test.ts`.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, withCacheContext, withHttpCache } from '@routecache/trpc';
import { revalidatingFetch } from '@routecache/trpc/client';
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

/**
 * `/client`: the revalidating client fetch, in workerd too, reads `post` twice through this
 * worker's own handler and answers the statuses the handler sent (a 200, then a 304).
 */
async function clientCheck(req: Request): Promise<Response> {
  const statuses: number[] = [];
  const revalidating = revalidatingFetch({
    fetch: async (input, init) => {
      const response = await handler(new Request(input, init as RequestInit));
      statuses.push(response.status);
      return response;
    },
  });
  const url = new URL(`/trpc/post?input=${encodeURIComponent('{"id":"client"}')}`, req.url);
  const bodies = [await (await revalidating(url)).json(), await (await revalidating(url)).json()];
  return Response.json({ statuses, same: JSON.stringify(bodies[0]) === JSON.stringify(bodies[1]) });
}

export default {
  fetch: (req: Request) =>
    new URL(req.url).pathname === '/client' ? clientCheck(req) : handler(req),
};
