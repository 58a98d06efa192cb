import { productsRouter } from './catalog/products.js';
import { cachedProcedure } from './procedures.js';
import { publicProcedure, router } from './trpc.js';
import { usersRouter } from './users.js';

export const appRouter = router({
  health: publicProcedure.query(() => 'ok' as const),
  users: usersRouter,
  catalog: {
    products: productsRouter,
    featured: cachedProcedure.query(() => ['a', 'b']),
  },
});

export type AppRouter = typeof appRouter;
