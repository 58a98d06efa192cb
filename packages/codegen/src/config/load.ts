import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ts } from 'ts-morph';
import { CodegenError } from '../errors.js';
import { configSchema, formatIssues, type ResolvedConfig } from './schema.js';

/**
 * The config file looked up in the working directory and its parents when `--config` is not given.
 *
 * @example
 * ```ts
 * existsSync(join(cwd, CONFIG_FILE)); // routecache.config.json
 * ```
 */
export const CONFIG_FILE = 'routecache.config.json';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new CodegenError(
      'ROUTECACHE_CODEGEN_CONFIG',
      `Cannot read ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, context: { file } },
    );
  }
  // JSON with comments and trailing commas, as tsconfig.json: TypeScript's own parser, which
  // ts-morph already ships, so the config can carry the comments the README shows.
  const { config, error } = ts.parseConfigFileTextToJson(file, text);
  if (error === undefined) return config;
  const before = text.slice(0, error.start ?? 0).split('\n');
  const at = `${file}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
  const message = ts.flattenDiagnosticMessageText(error.messageText, ' ');
  throw new CodegenError(
    'ROUTECACHE_CODEGEN_CONFIG',
    `Cannot read ${at}: ${message} (expected JSON; comments and trailing commas are allowed)`,
    { cause: new SyntaxError(message), context: { file } },
  );
}

/** The raw config inside `file`: the whole file, or the `routecache` field of a package.json. */
function rawConfigOf(file: string): unknown {
  const json = readJson(file);
  if (basename(file) !== 'package.json') return json;
  const field = (json as { routecache?: unknown } | null)?.routecache;
  if (field === undefined) {
    throw new CodegenError('ROUTECACHE_CODEGEN_CONFIG', `${file} has no "routecache" field`, {
      context: { file },
    });
  }
  return field;
}

/**
 * Find the nearest config, from `cwd` up to the filesystem root (like tsconfig or prettier), so
 * `routecache codegen` works from any subdirectory of the app. In each directory
 * `routecache.config.json` wins over a package.json `routecache` field; a package.json without
 * the field does not stop the search (an app's config may sit above a nested package).
 */
function findConfigFile(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const configFile = join(dir, CONFIG_FILE);
    if (existsSync(configFile)) return configFile;
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (readJson(pkg) as { routecache?: unknown } | null)?.routecache) {
      return pkg;
    }
    if (dirname(dir) === dir) break;
  }
  throw new CodegenError(
    'ROUTECACHE_CODEGEN_CONFIG',
    `No ${CONFIG_FILE} and no package.json with a "routecache" field in ${cwd} or any parent directory (or pass --config <file>)`,
    { context: { cwd } },
  );
}

/**
 * Load and validate the codegen config, once, before any work.
 *
 * @param options.cwd - Where the search for the nearest `routecache.config.json` (or package.json
 *   with a `routecache` field) starts; it goes up through the parent directories.
 * @param options.config - An explicit config file (a config JSON, or a package.json), relative to `cwd`.
 * @throws {CodegenError} `ROUTECACHE_CODEGEN_CONFIG` naming the bad field, e.g.
 *   `routecache.router.export: expected string, received number`.
 * @example
 * ```ts
 * const config = loadConfig({ cwd: process.cwd() });
 * console.log(config.output); // /app/src/routecache.generated.ts
 * ```
 */
export function loadConfig(options: { cwd: string; config?: string | undefined }): ResolvedConfig {
  const source =
    options.config === undefined
      ? findConfigFile(options.cwd)
      : resolve(options.cwd, options.config);
  if (!existsSync(source)) {
    throw new CodegenError('ROUTECACHE_CODEGEN_CONFIG', `Config file ${source} does not exist`, {
      context: { file: source },
    });
  }
  const parsed = configSchema.safeParse(rawConfigOf(source));
  if (!parsed.success) {
    throw new CodegenError(
      'ROUTECACHE_CODEGEN_CONFIG',
      `Invalid routecache config in ${source}:\n${formatIssues(parsed.error.issues)}`,
      { cause: parsed.error, context: { file: source } },
    );
  }
  const root = dirname(source);
  const config = parsed.data;
  return {
    root,
    source,
    tsconfig: resolve(root, config.tsconfig),
    router: { module: resolve(root, config.router.module), export: config.router.export },
    output: resolve(root, config.output),
  };
}
