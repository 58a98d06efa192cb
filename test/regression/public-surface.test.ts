/**
 * Guards: the size of each package's public surface (issue 14).
 *
 * `@routecache/core`'s root once exported 87 names, most of them adapter glue an app author
 * never writes; every extra root export is a promise kept forever. Each root now exports what an
 * app author writes, and adapter/store plumbing lives behind `@routecache/core/adapter`. This
 * test counts the names (runtime values and types) every entry point in a package.json
 * `exports` map resolves to, with the TypeScript checker, and fails past the limits.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Most names each root may export; entry points without a limit are counted and printed. */
const LIMITS: Record<string, number> = {
  '@routecache/core': 30,
  '@routecache/core/otel': 4,
  '@routecache/trpc': 15,
  '@routecache/codegen': 8,
  '@routecache/orpc': 12,
};

interface Surface {
  readonly runtime: readonly string[];
  readonly types: readonly string[];
}

function entryPoints(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const dir of ['core', 'trpc-adapter', 'orpc-adapter', 'codegen']) {
    const pkgDir = join(repo, 'packages', dir);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, { source: string }>;
    };
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const name = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      entries.set(name, join(pkgDir, target.source));
    }
  }
  return entries;
}

function surfaces(entries: Map<string, string>): Map<string, Surface> {
  const base = ts.getParsedCommandLineOfConfigFile(
    join(repo, 'tsconfig.base.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (base === undefined) throw new Error('tsconfig.base.json did not parse');
  const program = ts.createProgram([...entries.values()], { ...base.options, noEmit: true });
  const checker = program.getTypeChecker();
  const result = new Map<string, Surface>();
  for (const [name, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${file} is not a module`);
    const runtime: string[] = [];
    const types: string[] = [];
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      (target.flags & ts.SymbolFlags.Value ? runtime : types).push(exported.name);
    }
    result.set(name, { runtime: runtime.sort(), types: types.sort() });
  }
  return result;
}

describe('public surface', { timeout: 120_000 }, () => {
  const all = surfaces(entryPoints());
  const table = [...all].map(([name, s]) => ({
    entry: name,
    runtime: s.runtime.length,
    types: s.types.length,
    total: s.runtime.length + s.types.length,
  }));
  console.table(table);

  it.each(Object.entries(LIMITS))('%s exports at most %i names', (entry, limit) => {
    const surface = all.get(entry);
    expect(surface, `${entry} is missing from its package.json exports`).toBeDefined();
    const names = [...(surface?.runtime ?? []), ...(surface?.types ?? [])];
    expect(names.length, `${entry} exports ${names.join(', ')}`).toBeLessThanOrEqual(limit);
  });

  it('gives every core name one home: root or @routecache/core/adapter, not both', () => {
    const root = all.get('@routecache/core');
    const adapter = all.get('@routecache/core/adapter');
    expect(adapter, '@routecache/core/adapter is missing from package.json exports').toBeDefined();
    const rootNames = new Set([...(root?.runtime ?? []), ...(root?.types ?? [])]);
    const both = [...(adapter?.runtime ?? []), ...(adapter?.types ?? [])].filter((n) =>
      rootNames.has(n),
    );
    expect(both).toEqual([]);
  });
});
