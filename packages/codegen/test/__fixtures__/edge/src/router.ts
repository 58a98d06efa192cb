import { z } from 'zod';
import * as lib from './lib/index.js';
import { cacheFor, cacheMiddleware } from './lib/index.js';
import { cachedBase, onceCached, t } from './trpc.js';

declare const extra: Record<string, ReturnType<typeof t.procedure.query>>;

const pickKey = (seed: number) => (seed > 0 ? () => 'a' : () => 'b');

let reassigned = t.procedure;
reassigned = reassigned.use(cacheMiddleware({ ttl: 1 }));

export const appRouter = t.router({
  // Through the barrel (export * / renamed re-export / namespace import): cached.
  barrel: t.procedure.use(cacheMiddleware({ ttl: 5 })).query(() => 1),
  renamed: t.procedure.use(cacheFor({ ttl: 5 })).query(() => 2),
  namespaced: t.procedure.use(lib.cacheMiddleware({ ttl: 5 })).query(() => 3),
  // A base procedure without input, extended with .input(): fails at run time.
  late: cachedBase.input(z.object({ id: z.number() })).query(({ input }) => input.id),
  // The same base without input: fine.
  plain: cachedBase.query(() => 4),
  // A key that is not a function codegen can read.
  dynamicKey: t.procedure.use(cacheMiddleware({ key: pickKey(1) })).query(() => 5),
  // A procedure variable reassigned after its declaration.
  moved: reassigned.query(() => 6),
  // A spread of an object codegen cannot see into.
  ...extra,
  // A project function that just returns cacheMiddleware(...): cached.
  wrapped: t.procedure.use(cachedFor(30)).query(() => 7),
  // A plain middleware factory: not cached, nothing to report.
  limited: t.procedure.use(rateLimit(10)).query(() => 8),
  // Cached or not depending on a value: reported.
  conditional: t.procedure.use(flag ? cacheMiddleware({ ttl: 1 }) : rateLimit(1)).query(() => 9),
  // A function that may return a cacheMiddleware: reported.
  maybe: t.procedure.use(cacheIf(flag)).query(() => 10),
  once: onceCached.query(() => 11),
});

declare const flag: boolean;

function cachedFor(ttl: number) {
  return cacheMiddleware({ ttl });
}

function rateLimit(max: number) {
  return t.middleware(({ next }) => (max > 0 ? next() : next()));
}

function cacheIf(on: boolean) {
  if (on) return cacheMiddleware({ ttl: 2 });
  return rateLimit(1);
}
