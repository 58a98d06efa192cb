import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from 'fastest-levenshtein';
import { diffSummary } from './check.js';
import { loadConfig } from './config/load.js';
import type { ResolvedConfig } from './config/schema.js';
import { CodegenError } from './errors.js';
import { formatDiagnostic, generate, writeIfChanged } from './generate.js';
import { watchProject } from './watch.js';

/**
 * Where the CLI writes and which directory it starts from (injectable for tests).
 *
 * @example
 * ```ts
 * await runCli(['codegen'], { cwd, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
 * ```
 */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Stops `--watch`. @default never */
  signal?: AbortSignal;
}

/**
 * The `routecache` help text.
 *
 * @example
 * ```ts
 * await runCli(['--help'], io); // prints USAGE
 * ```
 */
export const USAGE = `Usage: routecache codegen [--check] [--watch] [--strict] [--config <file>]

Generate typed cache keys and invalidators from a tRPC router.

  --check          exit 1 if the generated file on disk is stale (for CI); writes nothing
  --watch          regenerate when sources change
  --strict         fail on warnings too (constructs the generated module does not cover)
  --config <file>  routecache.config.json, or a package.json with a "routecache" field
                   (default: the nearest routecache.config.json, else package.json with a
                   "routecache" field, from the current directory up)
  -h, --help       print this help
  -v, --version    print the version

Config (JSON; comments and trailing commas allowed; paths relative to the file holding it):
  router.module    required  the file exporting the router, e.g. "src/router.ts"
  output           required  the module to generate (.ts, .mts or .tsx)
  router.export    optional  the router's export name (default "appRouter")
  tsconfig         optional  the app's tsconfig (default "tsconfig.json")

Exit codes: 0 ok, 1 stale file or discovery errors, 2 bad usage or config.
`;

const options = {
  check: { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const satisfies ParseArgsConfig['options'];

/**
 * The first flag `argv` holds that the CLI does not know, described with the nearest known one
 * (`unknown flag --chek, did you mean --check?`), or `undefined`. Node's own parseArgs error
 * suggests nothing and tells the user to quote the flag as a positional.
 */
function unknownFlag(argv: readonly string[]): string | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const token = tokens.find((t) => t.kind === 'option' && !Object.hasOwn(options, t.name));
  if (token?.kind !== 'option') return undefined;
  const flags = Object.keys(options);
  const nearest = closest(token.name, flags);
  return `unknown flag ${token.rawName}, did you mean --${nearest}? (flags: ${flags.map((f) => `--${f}`).join(', ')})`;
}

/** The version in this package's package.json (one level above both src/ and dist/). */
function packageVersion(): string {
  const manifest = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** What is wrong with the command line, or `undefined` when it is usable. */
function usageProblem(positionals: readonly string[], check: boolean, watch: boolean) {
  const [command, ...extra] = positionals;
  if (command === undefined) return 'missing command';
  if (command !== 'codegen') return `unknown command "${command}"`;
  if (extra.length > 0) return `unexpected argument "${extra.join(' ')}"`;
  if (check && watch) return '--check and --watch cannot be combined';
  return undefined;
}

/** Exit codes: 0 ok, 1 stale file (--check) or discovery errors, 2 bad usage or config. */
function runOnce(config: ResolvedConfig, check: boolean, io: CliIo, strict: boolean): number {
  const result = generate(config, { strict });
  for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  const output = relative(io.cwd, config.output) || config.output;
  if (result.failed) {
    io.stderr(
      `routecache codegen: discovery failed${strict ? ' (--strict: warnings count)' : ''}; ${output} was not ${check ? 'checked' : 'written'}\n`,
    );
    return 1;
  }
  const cached = result.procedures.filter((p) => p.cached && p.type === 'query').length;
  if (check && result.staleDeclarations.length > 0) {
    io.stderr(
      `routecache codegen --check: ${result.staleDeclarations.length} invalidates(…) declaration${result.staleDeclarations.length === 1 ? ' names' : 's name'} what the router no longer has (see above)\n`,
    );
    return 1;
  }
  if (check) {
    const onDisk = existsSync(config.output) ? readFileSync(config.output, 'utf8') : undefined;
    const diff = diffSummary(onDisk, result.text);
    if (diff === undefined) {
      io.stdout(`routecache codegen: ${output} is up to date (${cached} cached procedures)\n`);
      return 0;
    }
    io.stderr(
      `routecache codegen --check: ${output} is stale; run \`routecache codegen\`\n${diff}\n`,
    );
    return 1;
  }
  const wrote = writeIfChanged(config.output, result.text);
  io.stdout(
    `routecache codegen: ${wrote ? 'wrote' : 'unchanged'} ${output} (${cached} cached procedures)\n`,
  );
  return 0;
}

/**
 * Run the `routecache` command line; resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['codegen', '--check'], {
 *   cwd: process.cwd(),
 *   stdout: (t) => process.stdout.write(t),
 *   stderr: (t) => process.stderr.write(t),
 * });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const unknown = unknownFlag(argv);
    if (unknown !== undefined) {
      throw new CodegenError('ROUTECACHE_CODEGEN_USAGE', `routecache: ${unknown}\n\n${USAGE}`);
    }
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (values.version) {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    const problem = usageProblem(positionals, values.check, values.watch);
    if (problem !== undefined) {
      throw new CodegenError('ROUTECACHE_CODEGEN_USAGE', `routecache: ${problem}\n\n${USAGE}`);
    }
    const config = loadConfig({ cwd: io.cwd, config: values.config });
    if (!values.watch) return runOnce(config, values.check, io, values.strict);
    await watchProject(config, {
      run: () => {
        try {
          // Re-read the config too: an edit to it (output, router export) applies without a restart.
          runOnce(loadConfig({ cwd: io.cwd, config: values.config }), false, io, values.strict);
        } catch (error) {
          io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
        }
      },
      signal: io.signal ?? new AbortController().signal,
    });
    return 0;
  } catch (error) {
    if (error instanceof CodegenError) {
      io.stderr(
        error.code === 'ROUTECACHE_CODEGEN_USAGE'
          ? error.message
          : `routecache: ${error.message}\n`,
      );
      return 2;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`routecache: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
