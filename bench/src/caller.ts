/**
 * tRPC `createCaller` hits (issue 13, row 1): a cached query called server-side, every call a
 * memory hit, against the floor — a minimal hand-written lru-cache middleware keyed by path +
 * `JSON.stringify(input)` (`floor.ts`) — on the same procedure (zod input, same resolver) and the
 * same context. One comparison per arm (public, private, vary, tags, superjson), each against the
 * floor on a sibling procedure of the same router.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, withCacheContext } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { createFloorMiddleware } from './floor.js';
import { compare, type Row } from './harness.js';

interface Ctx {
  user?: string | undefined;
}

const Input = z.object({ id: z.number(), include: z.array(z.string()) });
const input = { id: 42, include: ['profile', 'teams'] };
const value = { id: 42, name: 'Ada', teams: [{ id: 1, name: 'core' }] };

/** A routecache arm and its floor: one procedure each, same input schema and resolver. */
interface Arm {
  name: string;
  /** Builds both routers; returns a caller for each. */
  callers(): Promise<{ floor: () => Promise<unknown>; routecache: () => Promise<unknown> }>;
}

function trpcArm(
  name: string,
  options: {
    transformer?: boolean;
    ctx?: () => Promise<Ctx>;
    route?: Parameters<ReturnType<typeof createCacheMiddleware>>[0];
  },
): Arm {
  return {
    name,
    async callers() {
      const t = initTRPC
        .context<Ctx>()
        .create(options.transformer ? { transformer: superjson } : {});
      const cache = createCache({ store: memoryStore(), ttl: 3600 });
      const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user });
      const router = t.router({
        get: t.procedure
          .input(Input)
          .use(cacheMiddleware(options.route ?? { scope: 'public' }))
          .query(() => value),
        floor: t.procedure
          .input(Input)
          .use(createFloorMiddleware())
          .query(() => value),
      });
      const ctx = options.ctx === undefined ? {} : await options.ctx();
      const caller = t.createCallerFactory(router)(ctx);
      await caller.get(input);
      await caller.floor(input);
      return { floor: () => caller.floor(input), routecache: () => caller.get(input) };
    },
  };
}

/** A context made the HTTP glue's way, so `vary` can read the request's headers. */
async function varyContext(): Promise<Ctx> {
  const req = new Request('http://localhost/get', { headers: { 'accept-language': 'fr-FR' } });
  return (await withCacheContext()({ req })) as Ctx;
}

const arms: readonly Arm[] = [
  trpcArm('public', {}),
  trpcArm('private', {
    ctx: async () => ({ user: 'user-42' }),
    route: {},
  }),
  trpcArm('vary', {
    ctx: varyContext,
    route: { scope: 'public', vary: ['accept-language'] },
  }),
  trpcArm('tags', { route: { scope: 'public', tags: ['users', 'teams'] } }),
  trpcArm('superjson', { transformer: true }),
];

/** Run the caller section; per arm, the ratio relative to that arm's floor. */
export async function runCallerBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const arm of arms) {
    const { floor, routecache } = await arm.callers();
    rows.push(
      ...(await compare({
        title: `trpc caller hit, ${arm.name} (createCaller, memory)`,
        batch: 1_000,
        rounds: 31,
        baseline: { name: `floor ${arm.name}`, fn: floor },
        contenders: [{ name: `routecache ${arm.name}`, fn: routecache }],
      })),
    );
  }
  return rows;
}

/**
 * The two callers of one arm, for `probe.ts` (instruction counts of one arm at a time).
 *
 * @example
 * ```ts
 * const { floor, routecache } = await probeCallers('vary');
 * ```
 */
export async function probeCallers(name: string) {
  const arm = arms.find((a) => a.name === name);
  if (arm === undefined) throw new Error(`no arm ${name}`);
  return arm.callers();
}
