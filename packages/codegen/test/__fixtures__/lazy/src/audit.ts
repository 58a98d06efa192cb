import * as routecache from '@routecache/trpc';
import { z } from 'zod';
import { cache, t } from './trpc.js';

// A namespace import: discovery resolves `routecache.createCacheMiddleware` too.
const auditCache = routecache.createCacheMiddleware(cache);

export const auditRouter = t.router({
  entries: t.procedure
    .input(z.object({ since: z.number() }))
    .use(auditCache({ tags: ['audit'], key: (options) => `audit:${options.input.since}` }))
    .query(({ input }) => [input.since]),
  purge: t.procedure.mutation(() => 0),
});

export const unrelated = 42;
