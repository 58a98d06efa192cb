import { z } from 'zod';
import * as lib from './lib/index.js';
import { cacheFor, cacheMiddleware } from './lib/index.js';
import { cachedBase, t } from './trpc.js';

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
});
