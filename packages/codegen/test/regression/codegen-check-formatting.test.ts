import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type CliIo, runCli } from '../../src/cli.js';
import { copyFixture, removeCopy } from '../fixtures.js';

// Issue 17 item 4: a pre-commit hook running `biome check --write` or `prettier --write` on the
// generated file made `--check` report it stale, and the diff summary stripped indentation.
vi.setConfig({ testTimeout: 120_000 });

const exec = promisify(execFile);
const require = createRequire(import.meta.url);
const FORMATTERS: Record<string, (file: string) => Promise<unknown>> = {
  // Defaults (no config in a temp dir): tabs, double quotes, 80 columns, import sorting.
  biome: (file) =>
    exec(
      process.execPath,
      [require.resolve('@biomejs/biome/bin/biome'), 'check', '--write', file],
      {
        cwd: dirname(file),
      },
    ),
  prettier: (file) =>
    exec(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', file], {
      cwd: dirname(file),
    }),
};

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

describe.each(Object.keys(FORMATTERS))('the generated module after %s --write', (name) => {
  const dir = copyFixture('app', `fmt-${name}`);
  const scratch = mkdtempSync(join(tmpdir(), `routecache-fmt-${name}-`));
  afterAll(() => {
    removeCopy(dir);
    rmSync(scratch, { recursive: true, force: true });
  });
  const output = join(dir, 'expected/routecache.generated.ts');
  const generated = readFileSync(output, 'utf8');

  async function format(): Promise<string> {
    const file = join(scratch, 'routecache.generated.ts');
    copyFileSync(output, file);
    await FORMATTERS[name]?.(file);
    const formatted = readFileSync(file, 'utf8');
    writeFileSync(output, formatted);
    return formatted;
  }

  it('is up to date for --check, and `routecache codegen` keeps its layout', async () => {
    const formatted = await format();
    expect(formatted).not.toBe(generated);
    const check = io(dir);
    expect(await runCli(['codegen', '--check'], check), check.err.join('')).toBe(0);
    expect(check.out.join('')).toContain('is up to date');
    const write = io(dir);
    expect(await runCli(['codegen'], write)).toBe(0);
    expect(write.out.join('')).toContain('unchanged');
    expect(readFileSync(output, 'utf8')).toBe(formatted);
  });

  it('is stale once its meaning differs, with a diff of real, indented lines', async () => {
    writeFileSync(
      output,
      generated.replace("keyOf('users.get', input)", "keyOf('users.old', input)"),
    );
    await format();
    const check = io(dir);
    expect(await runCli(['codegen', '--check'], check)).toBe(1);
    expect(check.err.join('')).toContain(
      [
        '1 line(s) to add, 1 to remove (layout ignored)',
        "        byEmail: (input: Inputs['users.byEmail']): Promise<string> => helpers.keyOf('users.byEmail', input),",
        '        /** `users.get` (src/users.ts); namespace "users"; tags users; vary accept-language */',
        "  -     get: (input: Inputs['users.get']): Promise<string> => helpers.keyOf('users.old', input),",
        "  +     get: (input: Inputs['users.get']): Promise<string> => helpers.keyOf('users.get', input),",
      ].join('\n'),
    );
  });
});
