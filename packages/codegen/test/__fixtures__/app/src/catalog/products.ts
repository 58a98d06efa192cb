import { z } from 'zod';
import { cachedProcedure } from '../procedures.js';
import { router } from '../trpc.js';

const listInput = z.object({
  category: z.string(),
  page: z.number().int().min(1).default(1),
});

export const productsRouter = router({
  list: cachedProcedure
    .input(listInput)
    .query(({ input }) => ({ ...input, items: [] as string[] })),
  'by-sku': cachedProcedure.input(z.string()).query(({ input }) => ({ sku: input })),
});
