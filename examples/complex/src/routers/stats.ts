/** Site statistics, loaded on the first call to `stats.*` (a `lazy()` sub-router). */
import { db } from '../db.js';
import { cachedProcedure } from '../procedures.js';
import { router } from '../trpc.js';

/** `stats.*`, loaded by `lazy()` in `src/router.ts`. */
export const statsRouter = router({
  /** Counts, with the moment they were computed (a `Date`, through superjson). */
  overview: cachedProcedure.query(() => {
    db.reads.stats++;
    return { users: db.users.size, posts: db.posts.length, computedAt: new Date() };
  }),
});
