import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Cache } from '@routecache/core';
import { withCacheContext } from '@routecache/trpc';
import type { AnyTRPCRouter } from '@trpc/server';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { generate, writeIfChanged } from '../../src/generate.js';
import { copyFixture, describeDiagnostic, removeCopy, typecheck } from '../fixtures.js';

// Issue 17 item 3: a helper's ctx was typed from the router's base context, so
// `keys.me(undefined, { user: null })` type-checked and threw a TypeError in the key function.
// Item 5: helpers of procedures without input that read ctx needed that `undefined` first.
vi.setConfig({ testTimeout: 120_000 });

const ROUTER = `import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';

export interface Context {
  user: { id: string } | null;
}

const t = initTRPC.context<Context>().create();
export const cache = createCache({ store: memoryStore() });
const cacheMiddleware = createCacheMiddleware(cache);

/** After it, ctx.user is never null. */
export const authed = t.procedure.use(({ ctx, next }) => {
  if (ctx.user === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { user: ctx.user } });
});
// Not exported: codegen cannot name the ctx after it.
const audited = authed.use(({ next }) => next());

export const appRouter = t.router({
  me: authed.use(cacheMiddleware({ key: ({ ctx }) => \`me:\${ctx.user.id}\` })).query(({ ctx }) => ctx.user),
  byId: authed
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ key: ({ ctx, input }) => \`\${ctx.user.id}:\${input.id}\` }))
    .query(({ input }) => input.id),
  audit: audited.use(cacheMiddleware({ key: ({ ctx }) => \`audit:\${ctx.user.id}\` })).query(() => 1),
});
`;

const CONSUMER = `import { invalidate, keys } from './out/routecache.generated.js';

export async function use(): Promise<void> {
  // No undefined first argument for a procedure without input.
  await keys.me({ user: { id: 'u1' } });
  await invalidate.byId({ id: 'x' }, { user: { id: 'u1' } });
  // @ts-expect-error the key reads ctx.user.id: the ctx after authed never has a null user
  await keys.me({ user: null });
  // @ts-expect-error the same for a procedure with input
  await invalidate.byId({ id: 'x' }, { user: null });
}
`;

describe('the ctx a generated helper takes', () => {
  const dir = copyFixture('edge', 'ctx-types');
  afterAll(() => removeCopy(dir));
  writeFileSync(join(dir, 'src/router.ts'), ROUTER);
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
  const config = loadConfig({ cwd: dir });
  const result = generate(config);
  writeIfChanged(config.output, result.text);

  it('is the ctx the cache middleware sees: a ctx the key cannot take does not compile', () => {
    const diagnostics = typecheck(dir, ['out/routecache.generated.ts', 'consumer.ts']);
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
  });

  it('where codegen cannot name it, the helper is refused with a diagnostic', () => {
    expect(result.failed).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'RC_UNKNOWN_CONTEXT_TYPE',
        message: expect.stringContaining(
          '`audit`: its cache key reads ctx, but codegen cannot name the type of the ctx the cache middleware sees (ctx changes at `.use(…)` (src/router.ts:20)',
        ),
        location: { file: 'src/router.ts', line: 28, column: 10 },
      }),
    ]);
    expect(result.text).not.toContain("'audit'");
  });

  it('and the helpers give the key the middleware stores under', async () => {
    const load = (path: string) => import(pathToFileURL(join(dir, path)).href);
    const { appRouter, cache } = (await load('src/router.ts')) as {
      appRouter: AnyTRPCRouter;
      cache: Cache;
    };
    const { keys } = (await load('out/routecache.generated.ts')) as {
      keys: { me: (ctx: object) => Promise<string> };
    };
    const ctx = await withCacheContext(() => ({ user: { id: 'u1' } }))({
      req: new Request('http://localhost/'),
    });
    const stored: string[] = [];
    const off = cache.on('stored', ({ baseKey }) => stored.push(baseKey));
    await (appRouter.createCaller(ctx) as { me: () => Promise<unknown> }).me();
    off();
    expect(stored).toEqual([await keys.me(ctx)]);
  });
});
