import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type CliIo, runCli } from '../src/cli.js';
import { copyFixture, FIXTURES_DIR, removeCopy } from './fixtures.js';

// Each test loads a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

const BIN = resolve(import.meta.dirname, '../bin/routecache.js');

function io(cwd: string, signal?: AbortSignal): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    cwd,
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    ...(signal ? { signal } : {}),
  };
}

const dir = copyFixture('app', 'cli');
afterAll(() => removeCopy(dir));
const output = join(dir, 'expected/routecache.generated.ts');

describe('routecache codegen', () => {
  it('--check passes on the committed output, fails with a diff summary once it is stale', async () => {
    const ok = io(dir);
    expect(await runCli(['codegen', '--check'], ok)).toBe(0);
    expect(ok.out.join('')).toContain('is up to date (6 cached procedures)');

    const fresh = readFileSync(output, 'utf8');
    writeFileSync(output, fresh.replace("keyOf('users.get', input)", "keyOf('users.old', input)"));
    const stale = io(dir);
    expect(await runCli(['codegen', '--check'], stale)).toBe(1);
    expect(stale.err.join('')).toContain('is stale; run `routecache codegen`');
    expect(stale.err.join('')).toContain('1 line(s) to add, 1 to remove');
    expect(stale.err.join('')).toContain(
      "+ get: (input: Inputs['users']['get']): Promise<string> => helpers.keyOf('users.get', input),",
    );
    // --check never writes.
    expect(readFileSync(output, 'utf8')).not.toBe(fresh);

    const write = io(dir);
    expect(await runCli(['codegen'], write)).toBe(0);
    expect(write.out.join('')).toContain('wrote expected/routecache.generated.ts');
    expect(readFileSync(output, 'utf8')).toBe(fresh);
    const again = io(dir);
    expect(await runCli(['codegen'], again)).toBe(0);
    expect(again.out.join('')).toContain('unchanged');
  });

  it('exits 1 without writing when discovery has errors, printing file:line and hints', async () => {
    const run = io(join(FIXTURES_DIR, 'unresolved'));
    expect(await runCli(['codegen'], run)).toBe(1);
    const err = run.err.join('');
    expect(err).toContain('src/router.ts:20:10 - error RC_UNRESOLVED_ROUTER_ENTRY');
    expect(err).toContain('hint: ');
    expect(err).toContain('warning RC_CACHED_NON_QUERY');
    expect(err).toContain('was not written');
  });

  it('exits 2 on bad usage and bad config, naming the problem', async () => {
    const usage = io(dir);
    expect(await runCli(['generate'], usage)).toBe(2);
    expect(usage.err.join('')).toContain('Usage: routecache codegen');
    expect(await runCli(['codegen', '--bogus'], io(dir))).toBe(2);
    const config = io(dir);
    expect(await runCli(['codegen', '--config', 'missing.json'], config)).toBe(2);
    expect(config.err.join('')).toContain('does not exist');
  });

  it('--watch regenerates after a source change', async () => {
    const watched = copyFixture('app', 'watch');
    const controller = new AbortController();
    const run = io(watched, controller.signal);
    const done = runCli(['codegen', '--watch'], run);
    const generated = join(watched, 'expected/routecache.generated.ts');
    const users = join(watched, 'src/users.ts');
    writeFileSync(
      users,
      readFileSync(users, 'utf8').replace("namespace: 'users'", "namespace: 'people'"),
    );
    await expect
      .poll(() => readFileSync(generated, 'utf8'), { timeout: 20_000, interval: 100 })
      .toContain('namespace "people"');
    controller.abort();
    expect(await done).toBe(0);
    removeCopy(watched);
  });

  it('runs from the bin script without a build (tsx on the TypeScript source)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'codegen', '--check'], {
      cwd: dir,
    });
    expect(stdout).toContain('is up to date');
  });
});
