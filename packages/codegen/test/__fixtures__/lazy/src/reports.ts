import { z } from 'zod';
import { hourly, t } from './trpc.js';

/** Loaded on first call through `lazy(() => import('./reports.js'))`. */
export const reportsRouter = t.router({
  daily: t.procedure
    .input(z.object({ day: z.string(), region: z.enum(['eu', 'us']).optional() }))
    .use(hourly)
    .query(({ input }) => ({ ...input, total: 1 })),
});
