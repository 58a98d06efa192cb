/**
 * Shared base procedures. `cachedProcedure` carries its cache middleware, so it suits
 * procedures without input (the cache must come after `.input()`; with no input there is none).
 */
import { cacheMiddleware } from './cache.js';
import { publicProcedure } from './trpc.js';

/** Public, 30 s fresh, tagged `catalog` (one `invalidateTag.catalog()` drops every such entry). */
export const cachedProcedure = publicProcedure.use(
  cacheMiddleware({ ttl: 30, tags: ['catalog'], scope: 'public' }),
);
