import { initTRPC } from '@trpc/server';
import { cacheMiddleware } from './lib/index.js';

export const t = initTRPC.create();

/** A cached base without input: fine for procedures without input, a run-time error with one. */
export const cachedBase = t.procedure.use(cacheMiddleware({ ttl: 30 }));

// A `let` that is never assigned again: followed through its initializer like a const.
// biome-ignore lint/style/useConst: the fixture needs a let
export let onceCached = t.procedure.use(cacheMiddleware({ ttl: 3 }));
