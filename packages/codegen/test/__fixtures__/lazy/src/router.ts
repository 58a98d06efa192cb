import { lazy } from '@trpc/server';
import { z } from 'zod';
import { cached, cachedFor, hourly, t } from './trpc.js';

const base = t.router({
  ping: cached.query(() => 'pong' as const),
  uptime: t.procedure.use(cachedFor(60)).query(() => 1),
});
const versions = t.router({
  version: t.procedure
    .input(z.object({ major: z.number().int() }))
    .use(hourly)
    .query(({ input }) => input.major),
});

export const appRouter = t.mergeRouters(
  base,
  versions,
  t.router({
    reports: lazy(() => import('./reports.js')),
    audit: lazy(() => import('./audit.js').then((m) => m.auditRouter)),
  }),
);
