import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type CliIo, runCli, USAGE } from '../src/cli.js';
import { copyFixture, FIXTURES_DIR, removeCopy } from './fixtures.js';

// Each test loads a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

const PACKAGE_DIR = resolve(import.meta.dirname, '..');
const BIN = join(PACKAGE_DIR, 'bin/routecache.js');
const exec = promisify(execFile);

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
    expect(stale.err.join('')).toContain('1 line(s) to add, 1 to remove (layout ignored)');
    // Real lines, indented, with the unchanged lines around them.
    expect(stale.err.join('')).toContain(
      [
        '        /** `users.get` (src/users.ts); namespace "users"; tags users; vary accept-language */',
        "  -     get: (input: Inputs['users.get']): Promise<string> => helpers.keyOf('users.old', input),",
        "  +     get: (input: Inputs['users.get']): Promise<string> => helpers.keyOf('users.get', input),",
      ].join('\n'),
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
    expect(err).toContain('src/router.ts:22:10 - error RC_UNRESOLVED_ROUTER_ENTRY');
    expect(err).toContain('hint: ');
    expect(err).toContain('warning RC_CACHED_NON_QUERY');
    expect(err).toContain('was not written');
  });

  it('exits 2 on bad usage and bad config, naming the problem', async () => {
    const cases: [string[], string][] = [
      [[], 'routecache: missing command'],
      [['generate'], 'routecache: unknown command "generate"'],
      [['codegen', 'extra'], 'routecache: unexpected argument "extra"'],
      [['codegen', '--bogus'], 'routecache: unknown flag --bogus, did you mean --check?'],
      [['codegen', '--check', '--watch'], 'routecache: --check and --watch cannot be combined'],
      [['codegen', '--config'], "routecache: Option '--config <value>' argument missing"],
    ];
    for (const [argv, message] of cases) {
      const usage = io(dir);
      expect(await runCli(argv, usage), argv.join(' ')).toBe(2);
      expect(usage.err.join(''), argv.join(' ')).toContain(message);
      expect(usage.err.join(''), argv.join(' ')).toContain('Usage: routecache codegen');
      expect(usage.out).toEqual([]);
    }
    const config = io(dir);
    expect(await runCli(['codegen', '--config', 'missing.json'], config)).toBe(2);
    expect(config.err.join('')).toMatch(
      /^routecache: Config file .*missing\.json does not exist\n$/,
    );
  });

  it('exits 2 when no config is found in the directory or any parent', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'routecache-noconfig-'));
    try {
      const run = io(empty);
      expect(await runCli(['codegen'], run)).toBe(2);
      expect(run.err.join('')).toContain(
        `routecache: No routecache.config.json and no package.json with a "routecache" field in ${empty} or any parent directory (or pass --config <file>)`,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('exits 2 naming the config field when the tsconfig, router module or export is missing', async () => {
    const app = copyFixture('app', 'missing');
    try {
      const configFile = join(app, 'routecache.config.json');
      const cases: [object, string][] = [
        [{ tsconfig: 'nope.json' }, 'routecache.tsconfig: '],
        [{ router: { module: 'src/nope.ts' } }, 'routecache.router.module: '],
        [{ router: { module: 'src/router.ts', export: 'nope' } }, 'routecache.router.export: '],
      ];
      for (const [patch, field] of cases) {
        writeFileSync(
          configFile,
          JSON.stringify({ router: { module: 'src/router.ts' }, output: 'gen.ts', ...patch }),
        );
        const run = io(app);
        expect(await runCli(['codegen'], run), field).toBe(2);
        expect(run.err.join(''), field).toMatch(
          new RegExp(`^routecache: ${field}\\S+ (does not exist|has no const export "nope")\\n$`),
        );
      }
    } finally {
      removeCopy(app);
    }
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const help = io(dir);
      expect(await runCli([flag], help)).toBe(0);
      expect(help.out.join('')).toBe(USAGE);
      expect(USAGE).toContain('Exit codes: 0 ok, 1 stale file or discovery errors, 2 bad usage');
    }
  });

  it('from a subdirectory, uses the nearest config above it (paths stay relative to the config)', async () => {
    const nested = join(dir, 'src/catalog');
    const run = io(nested);
    expect(await runCli(['codegen', '--check'], run)).toBe(0);
    expect(run.out.join('')).toBe(
      'routecache codegen: ../../expected/routecache.generated.ts is up to date (6 cached procedures)\n',
    );
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
    // A config edit applies without a restart.
    const moved = join(watched, 'expected/moved.generated.ts');
    writeFileSync(
      join(watched, 'routecache.config.json'),
      JSON.stringify({
        router: { module: 'src/router.ts' },
        output: 'expected/moved.generated.ts',
      }),
    );
    await expect
      .poll(() => existsSync(moved) && readFileSync(moved, 'utf8'), {
        timeout: 20_000,
        interval: 100,
      })
      .toContain('namespace "people"');
    controller.abort();
    expect(await done).toBe(0);
    removeCopy(watched);
  });

  it('runs from dist/ after a build, as a published package does (no src/ beside bin/)', async () => {
    const pkg = mkdtempSync(join(tmpdir(), 'routecache-dist-'));
    try {
      cpSync(resolve(PACKAGE_DIR, 'bin'), join(pkg, 'bin'), { recursive: true });
      cpSync(resolve(PACKAGE_DIR, 'package.json'), join(pkg, 'package.json'));
      symlinkSync(resolve(PACKAGE_DIR, 'node_modules'), join(pkg, 'node_modules'), 'dir');
      // `pnpm build` (tsc -p tsconfig.build.json) with the project's TypeScript, into the copy.
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      await exec(process.execPath, [
        tsc,
        '-p',
        resolve(PACKAGE_DIR, 'tsconfig.build.json'),
        '--outDir',
        join(pkg, 'dist'),
      ]);
      const { stdout } = await exec(
        process.execPath,
        [join(pkg, 'bin/routecache.js'), 'codegen', '--check'],
        { cwd: join(dir, 'src') },
      );
      expect(stdout).toContain('is up to date (6 cached procedures)');
      const failed = await exec(process.execPath, [join(pkg, 'bin/routecache.js'), 'bogus']).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toContain('routecache: unknown command "bogus"');
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });

  it('runs from the bin script without a build (tsx on the TypeScript source)', async () => {
    const { stdout } = await exec(process.execPath, [BIN, 'codegen', '--check'], {
      cwd: dir,
    });
    expect(stdout).toContain('is up to date');
  });
});
