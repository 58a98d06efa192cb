import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
