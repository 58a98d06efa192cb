/**
 * Guards (issue 10): the generated module's types no longer depend on `typeof appRouter`.
 *
 * Defect fixed: a mutation calling a generated helper had to annotate the value it returned
 * (`const removed: number = await invalidate.users.list()`), or tsc reported TS7022 — the
 * router's type referred to itself through the generated module's `inferRouterInputs<typeof
 * appRouter>`. Codegen now prints the input types from the checker, so examples/invalidate
 * compiles with no annotation at all, its `invalidates(…)` declarations included.
 *
 * Also proven with tsc here: a renamed procedure, a wrong input shape and an unknown static tag
 * in a declaration are compile errors (each `@ts-expect-error` must be used, TS2578 otherwise);
 * and `routecache codegen --check` fails when a declaration names what the router lost.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const example = join(repo, 'examples/invalidate');
const bin = join(repo, 'packages/codegen/bin/routecache.js');

/** A scratch copy of the example inside it (its node_modules resolve), git-ignored. */
function copyExample(label: string): string {
  const dir = join(example, '.tmp', `${label}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(example, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(example, 'routecache.config.json'), join(dir, 'routecache.config.json'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../../tsconfig.base.json',
      compilerOptions: { noEmit: true },
      include: ['src/**/*.ts'],
    }),
  );
  return dir;
}

function diagnostics(dir: string): string[] {
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
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const file = d.file ? `${d.file.fileName.slice(dir.length + 1)}:` : '';
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
    return `${file}${line} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('declared invalidation types', { timeout: 120_000 }, () => {
  it('examples/invalidate has no return-type annotation and compiles with tsc', () => {
    const router = readFileSync(join(example, 'src/router.ts'), 'utf8');
    expect(router).not.toMatch(/const \w+: number =/);
    expect(router).toContain('.use(invalidates(');
    const generated = readFileSync(join(example, 'src/routecache.generated.ts'), 'utf8');
    expect(generated).not.toContain('<typeof appRouter>');
    const dir = copyExample('compiles');
    dirs.push(dir);
    expect(diagnostics(dir)).toEqual([]);
  });

  it('a renamed procedure, a wrong input and an unknown tag in a declaration are compile errors', () => {
    const dir = copyExample('errors');
    dirs.push(dir);
    writeFileSync(
      join(dir, 'src/stale.ts'),
      [
        "import { initTRPC } from '@trpc/server';",
        "import { z } from 'zod';",
        "import { invalidate, invalidates, routes, tag, tags } from './routecache.generated.js';",
        'const t = initTRPC.create();',
        'export const ok = t.procedure',
        '  .input(z.object({ id: z.number() }))',
        "  .use(invalidates(({ input }) => [routes.users.get({ userId: input.id }), routes.users, routes.users.list, tags.users, tag('user:' + String(input.id))]))",
        '  .mutation(() => 1);',
        'export const bad = t.procedure',
        '  .input(z.object({ id: z.number() }))',
        '  .use(',
        '    invalidates(({ input }) => [',
        '      // @ts-expect-error users.byId does not exist (renamed or removed)',
        '      routes.users.byId({ userId: input.id }),',
        '      // @ts-expect-error the input of users.get is { userId: number }',
        '      routes.users.get({ id: input.id }),',
        '      // @ts-expect-error userId is a number',
        "      routes.users.get({ userId: 'one' }),",
        '      // @ts-expect-error no cached procedure declares the tag posts',
        '      tags.posts,',
        '    ]),',
        '  )',
        '  .mutation(() => 1);',
        '// The imperative helpers are typed the same way.',
        '// @ts-expect-error the input of users.get is { userId: number }',
        'void invalidate.users.get({ user: 1 });',
        'export const removed: Promise<number> = invalidate.users.list();',
        '',
      ].join('\n'),
    );
    expect(diagnostics(dir)).toEqual([]);
  });

  it('--check fails when a declaration names a procedure the router no longer has', async () => {
    const dir = copyExample('stale');
    dirs.push(dir);
    const router = join(dir, 'src/router.ts');
    // Rename the cached users.list to users.all; the declarations still name routes.users.list.
    writeFileSync(
      router,
      readFileSync(router, 'utf8').replace('    list: t.procedure', '    all: t.procedure'),
    );
    await run(process.execPath, [bin, 'codegen'], { cwd: dir });
    const failed = await run(process.execPath, [bin, 'codegen', '--check'], { cwd: dir }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    const stderr = failed?.stderr ?? '';
    console.info(stderr);
    expect(stderr).toMatch(
      /src\/router\.ts:\d+:\d+ - warning RC_STALE_INVALIDATION: `users\.create` declares it invalidates `users\.list`, which is not a cached procedure or a router of cached procedures of the router \(renamed or removed\?\)/,
    );
    expect(stderr).toContain('`users.rename` declares it invalidates `users.list`');
    expect(stderr).toContain(
      'routecache codegen --check: 2 invalidates(…) declarations name what the router no longer has',
    );
  });
});
