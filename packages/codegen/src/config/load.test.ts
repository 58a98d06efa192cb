import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodegenError } from '../errors.js';
import { loadConfig } from './load.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'routecache-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, value: unknown) =>
  writeFileSync(join(dir, name), JSON.stringify(value));

function errorOf(run: () => unknown): CodegenError {
  try {
    run();
  } catch (error) {
    if (error instanceof CodegenError) return error;
    throw error;
  }
  throw new Error('expected a CodegenError');
}

describe('loadConfig', () => {
  it('reads routecache.config.json, applies defaults and resolves paths from its directory', () => {
    write('routecache.config.json', { router: { module: 'src/router.ts' }, output: 'src/gen.ts' });
    expect(loadConfig({ cwd: dir })).toEqual({
      root: dir,
      source: join(dir, 'routecache.config.json'),
      tsconfig: join(dir, 'tsconfig.json'),
      router: { module: join(dir, 'src/router.ts'), export: 'appRouter' },
      output: join(dir, 'src/gen.ts'),
    });
  });

  it('falls back to the "routecache" field of package.json', () => {
    write('package.json', {
      name: 'app',
      routecache: {
        tsconfig: 'tsconfig.app.json',
        router: { module: 'r.ts', export: 'r' },
        output: 'g.ts',
      },
    });
    const config = loadConfig({ cwd: dir });
    expect(config.router).toEqual({ module: join(dir, 'r.ts'), export: 'r' });
    expect(config.tsconfig).toBe(join(dir, 'tsconfig.app.json'));
  });

  it('takes an explicit --config file relative to cwd', () => {
    mkdirSync(join(dir, 'conf'));
    write('conf/rc.json', { router: { module: 'router.ts' }, output: 'out.ts' });
    expect(loadConfig({ cwd: dir, config: 'conf/rc.json' }).output).toBe(join(dir, 'conf/out.ts'));
  });

  it('names the bad field', () => {
    write('routecache.config.json', { router: { module: 'r.ts', export: 42 }, output: 'g.ts' });
    const error = errorOf(() => loadConfig({ cwd: dir }));
    expect(error.code).toBe('ROUTECACHE_CODEGEN_CONFIG');
    expect(error.message).toContain('routecache.router.export: expected string, received number');
  });

  it('lists every bad field, unknown keys and a non-TypeScript output', () => {
    write('routecache.config.json', { router: {}, output: 'gen.js', extra: true });
    const message = errorOf(() => loadConfig({ cwd: dir })).message;
    expect(message).toContain('routecache.router.module: expected string, received undefined');
    expect(message).toContain('routecache.output: expected a .ts, .mts or .tsx file');
    expect(message).toMatch(/routecache: Unrecognized key: "extra"/);
  });

  it('accepts comments and trailing commas (JSONC, as tsconfig.json), and locates a syntax error', () => {
    writeFileSync(
      join(dir, 'routecache.config.json'),
      '// app\n{ /* r */ "router": { "module": "r.ts", }, "output": "g.ts", }\n',
    );
    expect(loadConfig({ cwd: dir }).output).toBe(join(dir, 'g.ts'));
    writeFileSync(join(dir, 'routecache.config.json'), '{\n  "output": "g.ts"\n  "router": {}\n}');
    expect(errorOf(() => loadConfig({ cwd: dir })).message).toBe(
      `Cannot read ${join(dir, 'routecache.config.json')}:3:3: ',' expected. (expected JSON; comments and trailing commas are allowed)`,
    );
  });

  it('explains a missing config and unreadable JSON', () => {
    expect(errorOf(() => loadConfig({ cwd: dir })).message).toContain('No routecache.config.json');
    writeFileSync(join(dir, 'routecache.config.json'), '{ nope');
    const error = errorOf(() => loadConfig({ cwd: dir }));
    expect(error.message).toContain('Cannot read');
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(errorOf(() => loadConfig({ cwd: dir, config: 'missing.json' })).message).toContain(
      'does not exist',
    );
  });
});

describe('loadConfig without --config, from a subdirectory', () => {
  it('finds the nearest config above cwd; a config file wins over a package.json field further up', () => {
    mkdirSync(join(dir, 'app/src/deep'), { recursive: true });
    write('package.json', {
      name: 'outer',
      routecache: { router: { module: 'o.ts' }, output: 'o.gen.ts' },
    });
    write('app/routecache.config.json', { router: { module: 'src/r.ts' }, output: 'src/gen.ts' });
    const config = loadConfig({ cwd: join(dir, 'app/src/deep') });
    expect(config.source).toBe(join(dir, 'app/routecache.config.json'));
    expect(config.output).toBe(join(dir, 'app/src/gen.ts'));
    // Above the app, the outer package.json field is the nearest.
    expect(loadConfig({ cwd: dir }).source).toBe(join(dir, 'package.json'));
  });
});
