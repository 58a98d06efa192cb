import { cacheMiddleware } from './cache.js';
import { publicProcedure } from './trpc.js';

/** A shared base procedure: every procedure built on it is cached with the catalog tag. */
export const cachedProcedure = publicProcedure.use(cacheMiddleware({ ttl: 30, tags: ['catalog'] }));
