import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { generate } from '../src/generate.js';
import { copyFixture, FIXTURES_DIR, GOLDEN_FIXTURES, removeCopy } from './fixtures.js';

// Each test loads a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

/** `tsc --noEmit` over a fixture's tsconfig (src + expected) plus its consumer files, via the API. */
function typecheck(dir: string, extraFiles: readonly string[]): ts.Diagnostic[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(dir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) throw new Error(`cannot read ${dir}/tsconfig.json`);
  const program = ts.createProgram({
    rootNames: [...parsed.fileNames, ...extraFiles.map((f) => join(dir, f))],
    options: { ...parsed.options, noEmit: true },
  });
  return [...ts.getPreEmitDiagnostics(program)];
}

const describeDiagnostic = (d: ts.Diagnostic): string => {
  const where = d.file
    ? `${d.file.fileName.slice(d.file.fileName.lastIndexOf('/') + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
    : '';
  return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
};

it('uses the TypeScript the project type-checks with (~6.0.3)', () => {
  expect(ts.version).toMatch(/^6\.0\./);
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

  it('breaks the stale generated module at compile time', () => {
    const diagnostics = typecheck(dir, []).map(describeDiagnostic);
    expect(diagnostics).toEqual([
      expect.stringMatching(
        /^routecache\.generated\.ts:\d+ TS2339: Property 'byEmail' does not exist/,
      ),
      expect.stringMatching(
        /^routecache\.generated\.ts:\d+ TS2339: Property 'byEmail' does not exist/,
      ),
    ]);
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
