import { z } from 'zod';
import { cacheMiddleware } from '../cache.js';
import { pagedProcedure } from '../procedures.js';
import { publicProcedure, router } from '../trpc.js';

// One middleware instance shared by two procedures, declared as a const.
const catalogCache = cacheMiddleware({ ttl: 30, tags: ['catalog'] });

export const productsRouter = router({
  list: pagedProcedure
    .input(z.object({ category: z.string() }))
    .use(catalogCache)
    .query(({ input }) => ({ ...input, items: [] as string[] })),
  'by-sku': publicProcedure
    .input(z.string())
    .use(catalogCache)
    .query(({ input }) => ({ sku: input })),
});
