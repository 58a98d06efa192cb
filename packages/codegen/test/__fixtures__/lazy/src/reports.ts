import { z } from 'zod';
import { cached, t } from './trpc.js';

/** Loaded on first call through `lazy(() => import('./reports.js'))`. */
export const reportsRouter = t.router({
  daily: cached
    .input(z.object({ day: z.string(), region: z.enum(['eu', 'us']).optional() }))
    .query(({ input }) => ({ ...input, total: 1 })),
});
