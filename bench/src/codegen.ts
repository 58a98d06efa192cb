/**
 * Codegen vs the type checker: `routecache codegen` and `tsc --noEmit` on the same project, each
 * run as its own process (cold start included, as in CI), interleaved, medians. Codegen runs as
 * an installed package runs it: its `bin/routecache.js` beside its compiled `dist/` and no `src/`
 * ({@link installCodegen}). In this monorepo the same bin runs `src/` through tsx instead, whose
 * loader and transpiling a user's `pnpm codegen` never pays (measured on the t3 fixture: 5.6–6.1 s
 * of CPU through tsx, 4.8 s from dist, tsc 9.6 s).
 *
 * - issue 5: a generated project of 500 procedures over 50 router files; target ratio ≤ 1.0×.
 * - issue 17: the create-t3-app style fixture of packages/codegen (`~/` aliases, builder and
 *   router factories, 25 router files); target ratio ≤ 0.5×, median of 3.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { printRows, type Row } from './harness.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
const T3 = join(REPO, 'packages/codegen/test/__fixtures__/t3');
const DIR = join(REPO, 'bench/.bench-tmp/codegen');
const CODEGEN_PACKAGE = join(REPO, 'packages/codegen');
const INSTALLED = join(REPO, 'bench/.bench-tmp/codegen-installed');
const FILES = 50;
const PER_FILE = 10;

const pad = (n: number): string => String(n).padStart(2, '0');

/** One router file: a mix of cached queries (inline, base procedure, custom key), plain queries, mutations. */
function routerFile(f: number): string {
  const procedures = Array.from({ length: PER_FILE }, (_, i) => {
    const input = `z.object({ id: z.number().int(), q: z.string().optional(), page: z.number().default(${i + 1}) })`;
    switch (i % 5) {
      case 0:
        return `  p${i}: publicProcedure.input(${input}).mutation(({ input }) => ({ ok: input.id }))`;
      case 1:
        return `  p${i}: publicProcedure.input(${input}).query(({ input }) => ({ id: input.id }))`;
      case 2:
        return `  p${i}: cachedProcedure.query(() => ['r${f}', 'p${i}'])`;
      case 3:
        return `  p${i}: publicProcedure.input(${input}).use(cacheMiddleware({ key: ({ input }) => \`r${f}:\${input.id}\`, tags: ['t${f}'] })).query(({ input }) => ({ id: input.id, q: input.q ?? '' }))`;
      default:
        return `  p${i}: publicProcedure.input(${input}).use(cacheMiddleware({ ttl: 60, namespace: 'n${f % 5}', vary: ['accept-language'] })).query(({ input }) => ({ id: input.id, page: input.page }))`;
    }
  });
  return [
    "import { z } from 'zod';",
    "import { cacheMiddleware, cachedProcedure, publicProcedure, router } from '../trpc.js';",
    '',
    `export const r${pad(f)}Router = router({`,
    `${procedures.join(',\n')},`,
    '});',
    '',
  ].join('\n');
}

/** Write the project; its node_modules is a link to codegen's, which has tRPC, zod and routecache. */
function writeProject(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, 'src/routers'), { recursive: true });
  symlinkSync(join(REPO, 'packages/codegen/node_modules'), join(DIR, 'node_modules'), 'dir');
  const write = (path: string, text: string) => writeFileSync(join(DIR, path), text);
  write(
    'tsconfig.json',
    JSON.stringify({
      extends: '../../../tsconfig.base.json',
      compilerOptions: { noEmit: true },
      include: ['src'],
    }),
  );
  write(
    'routecache.config.json',
    JSON.stringify({ router: { module: 'src/router.ts' }, output: 'src/routecache.generated.ts' }),
  );
  write(
    'src/trpc.ts',
    [
      "import { createCache } from '@routecache/core';",
      "import { createCacheMiddleware } from '@routecache/trpc';",
      "import { initTRPC } from '@trpc/server';",
      'const t = initTRPC.create();',
      'export const router = t.router;',
      'export const publicProcedure = t.procedure;',
      'export const cacheMiddleware = createCacheMiddleware(createCache());',
      "export const cachedProcedure = t.procedure.use(cacheMiddleware({ ttl: 30, tags: ['base'] }));",
      '',
    ].join('\n'),
  );
  const ids = Array.from({ length: FILES }, (_, f) => pad(f));
  for (const [f] of ids.entries()) write(`src/routers/r${pad(f)}.ts`, routerFile(f));
  write(
    'src/router.ts',
    [
      ...ids.map((id) => `import { r${id}Router } from './routers/r${id}.js';`),
      "import { router } from './trpc.js';",
      '',
      `export const appRouter = router({ ${ids.map((id) => `r${id}: r${id}Router`).join(', ')} });`,
      '',
    ].join('\n'),
  );
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function timeProcess(args: readonly string[], cwd: string): Promise<number> {
  const start = performance.now();
  await run(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  return (performance.now() - start) * 1e6;
}

const TSC_BIN = createRequire(join(REPO, 'package.json')).resolve('typescript/bin/tsc');
const TSC = [TSC_BIN, '--noEmit', '-p', '.'];

/**
 * Lay @routecache/codegen out in `dir` as a registry install has it: `package.json`, `bin/`, a
 * `dist/` compiled by its own build config, and its dependencies (a link to its `node_modules`),
 * with no `src/`. Resolves to the command that runs its `codegen` (the bench times this one).
 *
 * @example
 * ```ts
 * const [bin, ...args] = await installCodegen('/tmp/codegen-installed');
 * execFileSync(process.execPath, [bin, ...args, '--check'], { cwd: project });
 * ```
 */
export async function installCodegen(dir: string): Promise<string[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  await run(process.execPath, [
    TSC_BIN,
    '-p',
    join(CODEGEN_PACKAGE, 'tsconfig.build.json'),
    '--outDir',
    join(dir, 'dist'),
  ]);
  for (const file of ['package.json', 'bin/routecache.js']) {
    copyFileSync(join(CODEGEN_PACKAGE, file), join(dir, file));
  }
  symlinkSync(join(CODEGEN_PACKAGE, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return [join(dir, 'bin/routecache.js'), 'codegen'];
}

/** Time `codegen` and tsc in `cwd`, interleaved; the rows of one section titled `title`. */
async function compare(
  codegen: readonly string[],
  title: string,
  cwd: string,
  repetitions: number,
): Promise<Row[]> {
  // Write the generated module once, so both tools see the same project (with it).
  await run(process.execPath, codegen, { cwd });
  await run(process.execPath, TSC, { cwd });
  const samples = { codegen: [] as number[], tsc: [] as number[] };
  for (let r = 0; r < repetitions; r++) {
    const order = r % 2 === 0 ? (['tsc', 'codegen'] as const) : (['codegen', 'tsc'] as const);
    for (const name of order)
      samples[name].push(await timeProcess(name === 'tsc' ? TSC : codegen, cwd));
  }
  const base = median(samples.tsc);
  const section = `${title}, process each, median of ${repetitions}`;
  const rows: Row[] = [
    { section, name: 'tsc --noEmit', medianNs: base, ratio: 1 },
    {
      section,
      name: 'routecache codegen',
      medianNs: median(samples.codegen),
      ratio: median(samples.codegen) / base,
    },
  ];
  printRows(section, rows);
  return rows;
}

/**
 * Run the codegen section; returns its rows (ratio of `routecache codegen` to `tsc --noEmit`).
 *
 * @example
 * ```ts
 * const rows = await runCodegenBench({ repetitions: 5 });
 * ```
 */
export async function runCodegenBench(options: { repetitions?: number } = {}): Promise<Row[]> {
  writeProject();
  const codegen = await installCodegen(INSTALLED);
  return [
    ...(await compare(
      codegen,
      `codegen vs tsc --noEmit (${FILES * PER_FILE} procedures, ${FILES} files)`,
      DIR,
      options.repetitions ?? 5,
    )),
    // Codegen writes nothing here: the committed module is up to date.
    ...(await compare(
      codegen,
      'codegen vs tsc --noEmit, t3 fixture (198 procedures, 25 router files)',
      T3,
      3,
    )),
  ];
}
