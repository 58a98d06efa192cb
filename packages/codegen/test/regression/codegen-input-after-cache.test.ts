import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type CliIo, runCli } from '../../src/cli.js';
import { copyFixture, removeCopy } from '../fixtures.js';

// Issue 8 item 3: `.input(A).use(cacheMiddleware(…)).input(B)` keys only A, so calls that differ
// in B share one entry. Codegen would generate keys that miss B: it is an error, naming the
// procedure and file:line (the adapter refuses such a procedure at run time too).
vi.setConfig({ testTimeout: 60_000 });

describe('a cacheMiddleware between two .input() calls', () => {
  const dir = copyFixture('edge', 'input-after-cache');
  afterAll(() => removeCopy(dir));
  writeFileSync(
    join(dir, 'src/router.ts'),
    [
      "import { z } from 'zod';",
      "import { cacheMiddleware } from './lib/index.js';",
      "import { t } from './trpc.js';",
      '',
      '// A shared base keyed by tenant, extended with another input.',
      'const tenantCached = t.procedure',
      '  .input(z.object({ tenant: z.string() }))',
      '  .use(cacheMiddleware({ ttl: 60 }));',
      '',
      'export const appRouter = t.router({',
      '  scoped: t.procedure',
      '    .input(z.object({ tenant: z.string() }))',
      '    .use(cacheMiddleware({ ttl: 60 }))',
      '    .input(z.object({ id: z.string() }))',
      '    .query(({ input }) => input),',
      '  viaBase: tenantCached.input(z.object({ id: z.string() })).query(({ input }) => input),',
      '  fine: t.procedure',
      '    .input(z.object({ tenant: z.string() }))',
      '    .input(z.object({ id: z.string() }))',
      '    .use(cacheMiddleware({ ttl: 60 }))',
      '    .query(({ input }) => input),',
      '});',
      '',
    ].join('\n'),
  );

  it('is an error naming the procedure, the cache and the later .input(); nothing is written', async () => {
    const err: string[] = [];
    const io: CliIo = { cwd: dir, stdout: () => {}, stderr: (t) => err.push(t) };
    expect(await runCli(['codegen'], io)).toBe(1);
    const text = err.join('');
    expect(text).toContain(
      'src/router.ts:14:6 - error RC_INPUT_AFTER_CACHE: `scoped`: the cacheMiddleware (src/router.ts:13) runs between two .input() calls (the later one at src/router.ts:14)',
    );
    expect(text).toContain(
      'src/router.ts:16:25 - error RC_INPUT_AFTER_CACHE: `viaBase`: the cacheMiddleware (src/router.ts:8) runs between two .input() calls (the later one at src/router.ts:16)',
    );
    expect(text).toContain('hint: move .use(cacheMiddleware(…)) after the last .input(…)');
    expect(text).not.toContain('`fine`');
    expect(existsSync(join(dir, 'out/routecache.generated.ts'))).toBe(false);
  });
});
