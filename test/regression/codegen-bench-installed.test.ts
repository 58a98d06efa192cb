/**
 * Regression: `pnpm bench codegen` timed `routecache codegen` from the monorepo's `src/` through
 * tsx (its loader and transpiling, 5.6–6.1 s of CPU on the t3 fixture against 4.8 s from dist),
 * which no user's install runs. The bench now lays codegen out as an install has it and times
 * that: this checks the layout has no `src/`, and that its bin runs the compiled `dist/` to a
 * correct result on the t3 fixture.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { installCodegen } from '../../bench/src/codegen.js';

const run = promisify(execFile);
const T3 = resolve(import.meta.dirname, '../../packages/codegen/test/__fixtures__/t3');
const dir = join(mkdtempSync(join(tmpdir(), 'routecache-codegen-installed-')), 'package');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the codegen bench times codegen as installed', () => {
  it('runs bin/routecache.js over a compiled dist/, with no src/ beside it', async () => {
    const [bin, ...args] = await installCodegen(dir);
    expect(bin).toBe(join(dir, 'bin/routecache.js'));
    expect(existsSync(join(dir, 'src'))).toBe(false);
    expect(existsSync(join(dir, 'dist/cli.js'))).toBe(true);
    const { stdout } = await run(process.execPath, [bin as string, ...args, '--check'], {
      cwd: T3,
    });
    expect(stdout).toMatch(/is up to date \(\d+ cached procedures\)/);
  }, 180_000);
});
