import { productsRouter } from './catalog/products.js';
import { cacheMiddleware as lookalikeCache } from './lookalike.js';
import { cachedProcedure } from './procedures.js';
import { publicProcedure, router } from './trpc.js';
import { usersRouter } from './users.js';

export const appRouter = router({
  health: publicProcedure.query(() => 'ok' as const),
  fresh: publicProcedure.use(lookalikeCache({ ttl: 5 })).query(() => Date.now()),
  users: usersRouter,
  catalog: {
    products: productsRouter,
    featured: cachedProcedure.query(() => ['a', 'b']),
  },
});

export type AppRouter = typeof appRouter;
