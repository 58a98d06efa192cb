import { createTRPCRouter, publicProcedure } from '~/server/api/trpc';

/** Mounted outside production only (a conditional spread in root.ts). */
export const debugRouter = createTRPCRouter({
  ping: publicProcedure.query(() => 'pong' as const),
  env: publicProcedure.query(() => process.env.NODE_ENV ?? 'development'),
});
