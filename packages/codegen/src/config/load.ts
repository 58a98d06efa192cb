import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CodegenError } from '../errors.js';
import { configSchema, formatIssues, type ResolvedConfig } from './schema.js';

/**
 * The config file looked up in the working directory when `--config` is not given.
 *
 * @example
 * ```ts
 * existsSync(join(cwd, CONFIG_FILE)); // routecache.config.json
 * ```
 */
export const CONFIG_FILE = 'routecache.config.json';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new CodegenError('ROUTECACHE_CODEGEN_CONFIG', `Cannot read ${file} as JSON`, {
      cause,
      context: { file },
    });
  }
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

/** Find the config file: `routecache.config.json`, else a package.json with a `routecache` field. */
function findConfigFile(cwd: string): string {
  const configFile = resolve(cwd, CONFIG_FILE);
  if (existsSync(configFile)) return configFile;
  const pkg = resolve(cwd, 'package.json');
  if (existsSync(pkg) && (readJson(pkg) as { routecache?: unknown } | null)?.routecache) return pkg;
  throw new CodegenError(
    'ROUTECACHE_CODEGEN_CONFIG',
    `No ${CONFIG_FILE} and no "routecache" field in package.json under ${cwd} (or pass --config <file>)`,
    { context: { cwd } },
  );
}

/**
 * Load and validate the codegen config, once, before any work.
 *
 * @param options.cwd - Where to look for `routecache.config.json` or package.json.
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
