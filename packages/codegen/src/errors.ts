/**
 * Errors of the code generator. It is a build tool that never runs inside the app, so it keeps its
 * own small error class instead of depending on `@routecache/core` at run time; the codes follow
 * core's `ROUTECACHE_*` scheme so tooling can match on them alike.
 */

/** Stable codes of {@link CodegenError}. */
export type CodegenErrorCode =
  /** The config file or the package.json `routecache` field is missing or invalid. */
  | 'ROUTECACHE_CODEGEN_CONFIG'
  /** The router module or export named in the config cannot be found. */
  | 'ROUTECACHE_CODEGEN_ROUTER_NOT_FOUND'
  /** The command line is invalid. */
  | 'ROUTECACHE_CODEGEN_USAGE';

/**
 * An error of `routecache codegen`, with a stable `code`, context fields and the `cause`. Problems
 * in the app's sources are not thrown: `generate` returns them as diagnostics (`failed: true`).
 *
 * @example
 * ```ts
 * try {
 *   const { diagnostics, failed } = generate(loadConfig({ cwd: process.cwd() }));
 *   if (failed) console.error(diagnostics.map(formatDiagnostic).join('\n'));
 * } catch (error) {
 *   if (error instanceof CodegenError && error.code === 'ROUTECACHE_CODEGEN_CONFIG') {
 *     console.error(error.message); // e.g. routecache.router.export: expected string, received number
 *   }
 * }
 * ```
 */
export class CodegenError extends Error {
  /** A stable code, safe to match on. */
  readonly code: CodegenErrorCode;
  /** Structured facts about the failure (config file, field, path…). */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: CodegenErrorCode,
    message: string,
    options: { cause?: unknown; context?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodegenError';
    this.code = code;
    this.context = options.context ?? {};
  }
}
