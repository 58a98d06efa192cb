/**
 * Regression (issue 13, fill row): the bench's fill section imported `rowValue` from
 * test/support/memory-per-entry.ts, which loads the Redis floods and with them ioredis. ioredis 6
 * declares a String subclass, after which V8 runs every String.prototype call slower in the
 * whole process, so the fill row (and the probe, which imports fill.ts) was measured as a Redis
 * app runs, against a floor that calls no String.prototype method. `rowValue` now has a module
 * of its own (test/support/row-value.ts).
 *
 * Every section module of bench/src/main.ts is imported in one child process, except those that
 * measure Redis (`redis`, `memory`); ioredis must not be among the modules loaded. A second child
 * imports the redis section, so the check is shown to see ioredis when it is there.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));
/** Sections whose work is Redis: loading ioredis is what they measure. */
const REDIS_SECTIONS = new Set(['redis', 'memory']);

/** `section → module` of main.ts's `sections` (each line: `name: async () => (await import('./x.js'))…`). */
function sectionModules(): Map<string, string> {
  const main = readFileSync(`${BENCH}src/main.ts`, 'utf8');
  const line = /^\s*'?([\w-]+)'?: async \(\) => \(await import\('(\.\/[\w-]+\.js)'\)\)/gm;
  return new Map([...main.matchAll(line)].map((m) => [m[1] as string, m[2] as string]));
}

/** Whether importing `modules` (paths relative to bench/src) loads ioredis, in a fresh process. */
function loadsIoredis(modules: readonly string[]): boolean {
  const script = [
    "import { createRequire } from 'node:module';",
    ...modules.map((m) => `await import(${JSON.stringify(`./src/${m.replace(/\.js$/, '.ts')}`)});`),
    'const cache = createRequire(import.meta.url).cache;',
    "console.log(Object.keys(cache).some((file) => file.includes('/ioredis/')));",
  ].join('\n');
  const out = execFileSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: BENCH, encoding: 'utf8' },
  );
  return out.trim().split('\n').at(-1) === 'true';
}

describe('bench sections that do not measure Redis do not load ioredis', () => {
  const sections = sectionModules();

  it('finds the sections of main.ts', () => {
    expect([...sections.keys()]).toEqual(expect.arrayContaining(['engine', 'fill', 'redis']));
  });

  it('importing every other section module (and the probe) leaves ioredis unloaded', () => {
    const modules = [...sections]
      .filter(([name]) => !REDIS_SECTIONS.has(name))
      .map(([, module]) => module);
    expect(loadsIoredis([...modules, './probe.js'])).toBe(false);
  });

  it('sees ioredis when a module loads it (the redis section)', () => {
    expect(loadsIoredis([sections.get('redis') as string])).toBe(true);
  });
});
