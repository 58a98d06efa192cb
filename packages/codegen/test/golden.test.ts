import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { BANNER } from '../src/emit/emit.js';
import { generate } from '../src/generate.js';
import { fixtureConfig, GOLDEN_FIXTURES } from './fixtures.js';

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
  expect(GOLDEN_FIXTURES).toEqual(expect.arrayContaining(['app', 'lazy']));
});
