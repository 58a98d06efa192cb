import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { ts as bundledTs, Project } from 'ts-morph';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { generate } from '../src/generate.js';
import {
  copyFixture,
  describeDiagnostic,
  FIXTURES_DIR,
  GOLDEN_FIXTURES,
  removeCopy,
  typecheck,
} from './fixtures.js';

// Each test loads a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

describe('TypeScript versions', () => {
  const minor = (version: string) => version.split('.').slice(0, 2).join('.');

  it('this test type-checks with the project typescript (~6.0.3, what `pnpm typecheck` runs)', () => {
    const rootTs = createRequire(resolve(import.meta.dirname, '../../../package.json'))(
      'typescript',
    ) as typeof ts;
    expect(ts.version).toBe(rootTs.version);
    expect(ts.version).toMatch(/^6\.0\./);
  });

  it("ts-morph's bundled TypeScript (what discovery parses and binds with) is the same minor", () => {
    // ts-morph 28 bundles 6.0.2; a patch apart changes no syntax or binding, a minor might.
    console.info(`typescript ${ts.version}, ts-morph bundled ${bundledTs.version}`);
    expect(minor(bundledTs.version)).toBe(minor(ts.version));
  });

  it('and sees the same compiler diagnostics as the project typescript', () => {
    const dir = copyFixture('app', 'versions');
    try {
      // A stale call site, so there is something to compare.
      writeFileSync(
        join(dir, 'consumers/stale.ts'),
        "import { keys } from '../expected/routecache.generated.js';\nexport const k = keys.users.gone({ id: 1 });\n",
      );
      const project = typecheck(dir, ['consumers/stale.ts']).map(describeDiagnostic);
      // Codegen's view: a ts-morph Project on the same tsconfig (its own TypeScript and lib files).
      const view = new Project({ tsConfigFilePath: join(dir, 'tsconfig.json') });
      view.addSourceFileAtPath(join(dir, 'consumers/stale.ts'));
      const bundled = view
        .getPreEmitDiagnostics()
        .map((d) => describeDiagnostic(d.compilerObject as unknown as ts.Diagnostic));
      expect(project).toEqual([expect.stringMatching(/^stale\.ts:2 TS2339: Property 'gone'/)]);
      expect(bundled).toEqual(project);
    } finally {
      removeCopy(dir);
    }
  });
});

describe.each(GOLDEN_FIXTURES)('fixture %s', (name) => {
  it('expected output and a consumer calling every helper compile with tsc --noEmit', () => {
    const diagnostics = typecheck(join(FIXTURES_DIR, name), ['consumers/ok.ts']);
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
  });
});

describe('a removed procedure', () => {
  const dir = copyFixture('app', 'removed');
  afterAll(() => removeCopy(dir));
  const users = join(dir, 'src/users.ts');
  // Drop `users.byEmail` from the router.
  writeFileSync(
    users,
    readFileSync(users, 'utf8').replace(
      / {2}byEmail: publicProcedure[\s\S]*?\.query\([^\n]*\n/,
      '',
    ),
  );

  it('leaves the stale module compiling (its types are printed, not taken from the router), and --check names it stale', () => {
    // The generated module no longer follows the router's type (that tie was the TS7022 cycle):
    // a stale module still compiles, `--check` (CI) fails, and the helper throws "run codegen".
    expect(typecheck(dir, []).map(describeDiagnostic)).toEqual([]);
    const regenerated = generate(loadConfig({ cwd: dir }));
    expect(readFileSync(join(dir, 'expected/routecache.generated.ts'), 'utf8')).not.toBe(
      regenerated.text,
    );
  });

  it('breaks every stale call site once regenerated', () => {
    const regenerated = generate(loadConfig({ cwd: dir }));
    expect(regenerated.text).not.toContain('byEmail');
    writeFileSync(join(dir, 'expected/routecache.generated.ts'), regenerated.text);
    const diagnostics = typecheck(dir, ['consumers/ok.ts']).map(describeDiagnostic);
    expect(diagnostics).toEqual([
      expect.stringMatching(/^ok\.ts:8 TS2339: Property 'byEmail' does not exist on type/),
    ]);
  });
});
