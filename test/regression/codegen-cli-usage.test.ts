// The `routecache` command as a user meets it, through its real bin: the codegen README showed a
// routecache.config.json with comments that the loader rejected (`Unexpected token '/'`), there
// was no `--version`, and a mistyped flag printed Node's parseArgs text (with an unbalanced
// quote) and no suggestion.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '../support/packages.js';

const run = promisify(execFile);
const BIN = join(WORKSPACE_ROOT, 'packages/codegen/bin/routecache.js');
// Each run loads a TypeScript program through tsx; the machine is shared.
const TIMEOUT = 90_000;

/** Run the bin; resolves to its exit code and output (never rejects on a non-zero exit). */
async function routecache(args: string[], cwd = WORKSPACE_ROOT) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

// Inside the workspace (git-ignored), so the app resolves @routecache/* and @trpc/server.
const app = join(import.meta.dirname, '.tmp', `cli-usage-${process.pid}`);
beforeAll(() => {
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({ extends: '../../../../tsconfig.base.json', include: ['src'] }),
  );
  writeFileSync(
    join(app, 'src/router.ts'),
    `import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';

const t = initTRPC.create();
const cacheMiddleware = createCacheMiddleware(createCache({ ttl: 60 }));
export const appRouter = t.router({
  user: t.procedure
    .input(z.object({ id: z.number() }))
    .use(cacheMiddleware({ scope: 'public' }))
    .query(({ input }) => ({ id: input.id })),
});
`,
  );
});
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('routecache CLI', () => {
  it(
    'accepts a routecache.config.json with comments and trailing commas (JSONC)',
    async () => {
      writeFileSync(
        join(app, 'routecache.config.json'),
        `// routecache.config.json
{
  /* the router module and its export */
  "router": { "module": "src/router.ts", "export": "appRouter", },
  "output": "src/routecache.generated.ts", // required
}
`,
      );
      const wrote = await routecache(['codegen'], app);
      expect(wrote).toMatchObject({ code: 0, stderr: '' });
      expect(wrote.stdout).toContain('wrote src/routecache.generated.ts (1 cached procedures)');
      expect(readFileSync(join(app, 'src/routecache.generated.ts'), 'utf8')).toContain(
        "helpers.invalidate('user', input)",
      );
      expect(await routecache(['codegen', '--check'], app)).toMatchObject({ code: 0 });
    },
    TIMEOUT,
  );

  it(
    'reports a JSONC syntax error with the file, line and column',
    async () => {
      writeFileSync(join(app, 'broken.json'), '{\n  "output": "a.ts"\n  "router": {}\n}\n');
      const result = await routecache(['codegen', '--config', 'broken.json'], app);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^routecache: Cannot read .*broken\.json:3:3: '?,'? expected/);
    },
    TIMEOUT,
  );

  it(
    '--version prints the package version',
    async () => {
      const { version } = JSON.parse(
        readFileSync(join(WORKSPACE_ROOT, 'packages/codegen/package.json'), 'utf8'),
      ) as { version: string };
      for (const flag of ['--version', '-v']) {
        expect(await routecache([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
      }
    },
    TIMEOUT,
  );

  it(
    'a mistyped flag names the flag received and the closest valid one',
    async () => {
      const cases: [string[], string][] = [
        [['codegen', '--chek'], 'routecache: unknown flag --chek, did you mean --check?'],
        [['codegen', '--wach'], 'routecache: unknown flag --wach, did you mean --watch?'],
        [['codegen', '--conifg=x.json'], 'unknown flag --conifg, did you mean --config?'],
        [['--verison'], 'routecache: unknown flag --verison, did you mean --version?'],
        [['codegen', '-x'], 'routecache: unknown flag -x, did you mean'],
      ];
      const results = await Promise.all(cases.map(([args]) => routecache(args)));
      for (const [index, [args, message]] of cases.entries()) {
        const result = results[index];
        expect(result?.code, args.join(' ')).toBe(2);
        expect(result?.stderr, args.join(' ')).toContain(message);
        expect(result?.stderr, args.join(' ')).toContain('Usage: routecache codegen');
        // Node's own parseArgs wording (with its unbalanced quote) is not shown.
        expect(result?.stderr, args.join(' ')).not.toContain('To specify a positional argument');
      }
    },
    TIMEOUT,
  );

  it(
    '--help lists the required config fields',
    async () => {
      const { code, stdout } = await routecache(['--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/router\.module\s+required/);
      expect(stdout).toMatch(/output\s+required/);
      expect(stdout).toMatch(/router\.export\s+optional/);
      expect(stdout).toMatch(/tsconfig\s+optional/);
    },
    TIMEOUT,
  );
});
