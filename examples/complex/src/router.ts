/**
 * The app router: sub-routers from their own files, and `stats` loaded lazily on its first
 * call. `pnpm codegen` reads this file (without running it) to generate
 * `routecache.generated.ts`.
 */
import { lazy } from '@trpc/server';
import { postsRouter } from './routers/posts.js';
import { usersRouter } from './routers/users.js';
import { router } from './trpc.js';

/** The app router; codegen's entry (`routecache.config.json`). */
export const appRouter = router({
  users: usersRouter,
  posts: postsRouter,
  stats: lazy(() => import('./routers/stats.js').then((m) => m.statsRouter)),
});

/** The router type the clients are typed with. */
export type AppRouter = typeof appRouter;
