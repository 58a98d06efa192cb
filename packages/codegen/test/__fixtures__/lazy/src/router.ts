import { lazy } from '@trpc/server';
import { z } from 'zod';
import { cached, t } from './trpc.js';

const base = t.router({ ping: cached.query(() => 'pong' as const) });
const versions = t.router({
  version: cached.input(z.object({ major: z.number().int() })).query(({ input }) => input.major),
});

export const appRouter = t.mergeRouters(
  base,
  versions,
  t.router({
    reports: lazy(() => import('./reports.js')),
    audit: lazy(() => import('./audit.js').then((m) => m.auditRouter)),
  }),
);
