import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Cache } from '@routecache/core';
import type { AnyTRPCRouter } from '@trpc/server';
import ts from 'typescript';
import { loadConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/schema.js';

/** Fixture apps, each a folder with a routecache.config.json. */
export const FIXTURES_DIR = resolve(import.meta.dirname, '__fixtures__');

/** The fixtures that have golden output (`expected/`). */
export const GOLDEN_FIXTURES = readdirSync(FIXTURES_DIR)
  .filter((name) => existsSync(join(FIXTURES_DIR, name, 'expected')))
  .sort();

export function fixtureConfig(name: string): ResolvedConfig {
  return loadConfig({ cwd: join(FIXTURES_DIR, name) });
}

const TMP = resolve(import.meta.dirname, '.tmp');

/**
 * A scratch copy of a fixture at the same depth as the originals (so `extends` paths and
 * package resolution through packages/codegen/node_modules keep working). Git-ignored.
 */
export function copyFixture(name: string, label: string): string {
  const dir = join(TMP, `${name}-${label}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  cpSync(join(FIXTURES_DIR, name), dir, { recursive: true });
  return dir;
}

export function removeCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The t3 fixture's runtime modules. */
export interface T3Modules {
  appRouter: AnyTRPCRouter;
  helpers: { keys: unknown; invalidate: unknown };
  cache: Cache;
  createTRPCContext: (opts: { headers: Headers }) => Promise<object>;
}

/**
 * Load the t3 fixture. It imports through `~/` path aliases (Bundler resolution, as
 * create-t3-app), which this package's tsconfig (NodeNext) does not map: tsc checks the fixture
 * with its own tsconfig (typecheck.test.ts), the tests load it by URL (vitest maps the aliases).
 */
export async function loadT3(): Promise<T3Modules> {
  const load = (path: string) => import(pathToFileURL(join(FIXTURES_DIR, 't3', path)).href);
  const [root, generated, trpc, cache] = await Promise.all([
    load('src/server/api/root.ts'),
    load('expected/routecache.generated.ts'),
    load('src/server/api/trpc.ts'),
    load('src/server/cache.ts'),
  ]);
  return {
    appRouter: root.appRouter,
    helpers: generated,
    cache: cache.cache,
    createTRPCContext: trpc.createTRPCContext,
  };
}

/** `tsc --noEmit` over a fixture's tsconfig (src + expected) plus its consumer files, via the API. */
export function typecheck(dir: string, extraFiles: readonly string[]): ts.Diagnostic[] {
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

/** `file:line TS1234: message`, for expectations on tsc diagnostics. */
export const describeDiagnostic = (d: ts.Diagnostic): string => {
  const where = d.file
    ? `${d.file.fileName.slice(d.file.fileName.lastIndexOf('/') + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
    : '';
  return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
};
