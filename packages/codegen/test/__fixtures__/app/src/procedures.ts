import { z } from 'zod';
import { cacheMiddleware } from './cache.js';
import { publicProcedure } from './trpc.js';

/** A shared cached base procedure (for procedures without input: the cache must follow `.input()`). */
export const cachedProcedure = publicProcedure.use(cacheMiddleware({ ttl: 30, tags: ['catalog'] }));

/** A shared base with an input; procedures add their own `.input()` (tRPC merges them). */
export const pagedProcedure = publicProcedure.input(
  z.object({ page: z.number().int().min(1).default(1) }),
);
