/** Posts: tags computed from the input, superjson values, stale-while-revalidate, a stream. */
import { z } from 'zod';
import { cacheMiddleware } from '../cache.js';
import { db } from '../db.js';
import { cachedProcedure } from '../procedures.js';
import { publicProcedure, router } from '../trpc.js';

/** `posts.*`, mounted by `src/router.ts`. */
export const postsRouter = router({
  /**
   * An author's posts, tagged `posts` and `author:<id>`: `cache.invalidateTags(['author:u1'])`
   * drops this author's entries only. The result holds `Date`s and a `Map`.
   */
  byAuthor: publicProcedure
    .input(z.object({ authorId: z.string() }))
    .use(
      cacheMiddleware({
        scope: 'public',
        tags: ({ input }) => ['posts', `author:${input.authorId}`],
      }),
    )
    .query(async ({ input }) => {
      const posts = await db.postsBy(input.authorId);
      const perMonth = new Map<string, number>();
      for (const post of posts) {
        const month = post.createdAt.toISOString().slice(0, 7);
        perMonth.set(month, (perMonth.get(month) ?? 0) + 1);
      }
      return { posts, perMonth };
    }),

  /** Titles by id, from the shared cached base procedure (tag `catalog`). */
  titles: cachedProcedure.query(
    () => new Map(db.posts.map((post) => [post.id, post.title] as const)),
  ),

  /**
   * Fresh for 1 s, then served stale for up to 60 s while one background refresh runs: callers
   * never wait for the resolver once the entry exists.
   */
  trending: publicProcedure
    .use(cacheMiddleware({ scope: 'public', ttl: 1, staleWhileRevalidate: 60 }))
    .query(() => db.trendingPost()),

  /**
   * A streamed query (use `httpBatchStreamLink`): chunks pass through as they come and are
   * stored when the stream completes; a hit replays the same chunks.
   */
  feed: publicProcedure
    .use(cacheMiddleware({ scope: 'public', tags: ['posts'] }))
    .query(async function* () {
      yield* db.feed();
    }),
});
