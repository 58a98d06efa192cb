import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const srcDir = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reachable from `entry` through relative imports, with who imports it. */
function reachableSpecifiers(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    // TypeScript's own pre-processor: comments and strings never look like imports.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.')) {
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else if (!found.has(specifier)) {
        found.set(specifier, file);
      }
    }
  }
  return found;
}

describe('the root entry of @routecache/core', () => {
  // DESIGN: core's root runs on Web-standard runtimes; Node-only pieces live behind subpaths.
  const specifiers = reachableSpecifiers(resolve(srcDir, 'index.ts'));
  const nodeBuiltins = new Set(builtinModules);

  it('reaches no node: module, no Node builtin and no ioredis', () => {
    const offending = [...specifiers].filter(
      ([specifier]) =>
        specifier.startsWith('node:') || nodeBuiltins.has(specifier) || specifier === 'ioredis',
    );
    expect(offending).toEqual([]);
  });

  it('depends only on its declared web-compatible packages', () => {
    expect([...specifiers.keys()].sort()).toEqual(['devalue', 'fastest-levenshtein', 'lru-cache']);
  });

  it('sees the imports it checks (the walk is not vacuous)', () => {
    const redis = reachableSpecifiers(resolve(srcDir, 'stores/redis/index.ts'));
    expect(redis.has('ioredis')).toBe(true);
  });
});
