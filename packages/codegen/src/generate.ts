import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sameMeaning } from './check.js';
import type { ResolvedConfig } from './config/schema.js';
import { discover } from './discover/discover.js';
import type { Diagnostic, DiscoveredProcedure } from './discover/types.js';
import { emitModule } from './emit/emit.js';
import { buildModel, staleDeclarations } from './emit/model.js';

/** The result of one generation run (nothing written yet). */
export interface Generation {
  /** The generated module's text. */
  text: string;
  /** Every procedure discovery found, sorted by path. */
  procedures: readonly DiscoveredProcedure[];
  diagnostics: readonly Diagnostic[];
  /**
   * The `RC_STALE_INVALIDATION` warnings among `diagnostics`: `invalidates(…)` declarations
   * naming a procedure, router or tag the router no longer has. `--check` fails on them.
   */
  staleDeclarations: readonly Diagnostic[];
  /**
   * True when a diagnostic is an error (the output may miss cached procedures or hold wrong
   * keys), or, with `strict`, any diagnostic.
   */
  failed: boolean;
}

/**
 * Options of {@link generate}.
 *
 * @example
 * ```ts
 * generate(config, { strict: true }); // warnings fail the run too
 * ```
 */
export interface GenerateOptions {
  /** Treat warnings (constructs codegen does not cover) as errors. @default false */
  strict?: boolean;
}

/**
 * Run discover → model → emit for a config. Pure: reads the app's sources, writes nothing. The
 * text covers everything discovery could see, also when it warned about something it could not.
 *
 * @example
 * ```ts
 * const { text, failed } = generate(loadConfig({ cwd: process.cwd() }));
 * ```
 */
export function generate(config: ResolvedConfig, options: GenerateOptions = {}): Generation {
  const discovery = discover(config);
  const model = buildModel(discovery, config);
  const stale = staleDeclarations(discovery, model);
  const cachedOther = discovery.procedures.filter((p) => p.cached && p.type !== 'query');
  const diagnostics: Diagnostic[] = [
    ...discovery.diagnostics,
    ...cachedOther.map(
      (p): Diagnostic => ({
        severity: 'warning',
        code: 'RC_CACHED_NON_QUERY',
        message: `\`${p.path}\` is a ${p.type} with a cacheMiddleware; only queries are cached, so it has no helpers`,
        hint: 'remove cacheMiddleware from mutations and subscriptions',
        location: p.location,
      }),
    ),
    ...stale,
  ];
  return {
    text: emitModule(model),
    procedures: discovery.procedures,
    diagnostics,
    staleDeclarations: stale,
    failed: diagnostics.some((d) => d.severity === 'error' || options.strict === true),
  };
}

/**
 * Write the generated text unless the file already means the same (it may have been formatted
 * since, see {@link sameMeaning}: a formatter's layout is kept); returns whether it wrote.
 *
 * @example
 * ```ts
 * writeIfChanged(config.output, generate(config).text); // false when already up to date
 * ```
 */
export function writeIfChanged(file: string, text: string): boolean {
  if (existsSync(file) && sameMeaning(readFileSync(file, 'utf8'), text)) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return true;
}

/**
 * `src/users.ts:12:5 - error RC_UNRESOLVED_MIDDLEWARE: … (hint: …)`
 *
 * @example
 * ```ts
 * formatDiagnostic(d); // 'src/router.ts:20:10 - error RC_UNRESOLVED_ROUTER_ENTRY: …\n    hint: …'
 * ```
 */
export function formatDiagnostic(d: Diagnostic): string {
  const { file, line, column } = d.location;
  return `${file}:${line}:${column} - ${d.severity} ${d.code}: ${d.message}\n    hint: ${d.hint}`;
}
