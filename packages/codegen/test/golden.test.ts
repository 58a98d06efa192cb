import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { discover } from '../src/discover/discover.js';
import { BANNER } from '../src/emit/emit.js';
import { generate } from '../src/generate.js';
import { FIXTURES_DIR, fixtureConfig, GOLDEN_FIXTURES } from './fixtures.js';

// Each test loads a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

const PACKAGE_DIR = resolve(import.meta.dirname, '..');
const BASE_TSCONFIG = resolve(PACKAGE_DIR, '../../tsconfig.base.json');
const readJson = (file: string): object => JSON.parse(readFileSync(file, 'utf8')) as object;

// UPDATE_GOLDEN=1 pnpm exec vitest run --project codegen test/golden.test.ts rewrites expected/.
const update = process.env.UPDATE_GOLDEN === '1';

describe.each(GOLDEN_FIXTURES)('golden output of fixture %s', (name) => {
  const config = fixtureConfig(name);
  const result = generate(config);

  it('discovers without errors', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('matches expected/ byte for byte', () => {
    if (update) writeFileSync(config.output, result.text);
    expect(result.text).toBe(readFileSync(config.output, 'utf8'));
  });

  it('is the same bytes from a copy elsewhere on disk (independent of the checkout path)', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), `routecache-golden-${name}-`));
    try {
      cpSync(config.root, elsewhere, { recursive: true });
      // The copy keeps its tsconfig (made absolute) and its packages (linked), nothing else.
      writeFileSync(
        join(elsewhere, 'tsconfig.json'),
        JSON.stringify({ ...readJson(join(config.root, 'tsconfig.json')), extends: BASE_TSCONFIG }),
      );
      symlinkSync(join(PACKAGE_DIR, 'node_modules'), join(elsewhere, 'node_modules'), 'dir');
      const copy = generate(loadConfig({ cwd: elsewhere }));
      expect(copy.diagnostics).toEqual(result.diagnostics);
      expect(copy.text).toBe(result.text);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('is deterministic and machine-independent', () => {
    expect(generate(config).text).toBe(result.text);
    expect(result.text.startsWith(`${BANNER}\n`)).toBe(true);
    expect(result.text).not.toContain('\r');
    expect(result.text).not.toContain(resolve(config.root, '..'));
    expect(result.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});

it('has the fixtures the acceptance criteria ask for', () => {
  expect(GOLDEN_FIXTURES).toEqual(expect.arrayContaining(['app', 'lazy', 't3']));
  const all = GOLDEN_FIXTURES.flatMap((name) => discover(fixtureConfig(name)).procedures);
  const cached = all.filter((p) => p.cached);
  const has = (what: string, found: boolean) => expect(found, what).toBe(true);
  has(
    'nested routers',
    cached.some((p) => p.path.split('.').length >= 3),
  );
  has(
    'custom key lambdas',
    cached.some((p) => p.options?.customKey !== undefined),
  );
  has(
    'a custom key reading ctx',
    cached.some((p) => p.options?.customKey?.readsContext === true),
  );
  has(
    'vary',
    cached.some((p) => Array.isArray(p.options?.vary) && p.options.vary.length > 0),
  );
  has(
    'namespaces',
    cached.some((p) => typeof p.options?.namespace === 'string'),
  );
  has(
    'lazy routers',
    cached.some((p) => p.lazyPrefix !== undefined),
  );
  has(
    'a query that is not cached',
    all.some((p) => !p.cached && p.type === 'query'),
  );
  has(
    'a mutation',
    all.some((p) => p.type === 'mutation'),
  );
  // A base procedure across files: `catalog.featured` is declared in router.ts, which holds no
  // cacheMiddleware call; its cache comes from `cachedProcedure` in procedures.ts.
  const featured = cached.find((p) => p.path === 'catalog.featured');
  has('a base procedure across files', featured?.location.file === 'src/router.ts');
  const routerSource = readFileSync(join(FIXTURES_DIR, 'app/src/router.ts'), 'utf8');
  expect(routerSource).not.toMatch(/\bcacheMiddleware\(/);
});
