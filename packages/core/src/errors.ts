/**
 * Every error routecache throws. Each class carries a stable `code` (safe to match on), a fixed
 * message prefix, context fields, and the underlying `cause` when there is one.
 *
 * @example
 * ```ts
 * try {
 *   createCache({ ttl: -1 });
 * } catch (error) {
 *   if (error instanceof RoutecacheError && error.code === 'ROUTECACHE_INVALID_OPTION') {
 *     console.error(error.message); // names the bad option
 *   }
 * }
 * ```
 */
export type RoutecacheErrorCode =
  | 'ROUTECACHE_INVALID_OPTION'
  | 'ROUTECACHE_CODEC_UNSUPPORTED_VALUE'
  | 'ROUTECACHE_CODEC_DECODE_FAILED'
  | 'ROUTECACHE_STORE_ERROR'
  | 'ROUTECACHE_STORE_TIMEOUT'
  | 'ROUTECACHE_STORE_UNAVAILABLE'
  | 'ROUTECACHE_BUS_MESSAGE_INVALID'
  | 'ROUTECACHE_CONFIGURATION'
  | 'ROUTECACHE_UNKEYABLE_INPUT';

/**
 * Options shared by every routecache error.
 *
 * @example
 * ```ts
 * throw new StoreError('ROUTECACHE_STORE_ERROR', 'Store "redis" get failed', {
 *   cause: error,
 *   context: { store: 'redis', operation: 'get' },
 * });
 * ```
 */
export interface RoutecacheErrorOptions {
  /** The error that caused this one, kept verbatim. */
  cause?: unknown;
  /** Structured facts about the failure (option name, store name, key…). */
  context?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of every routecache error.
 *
 * @example
 * ```ts
 * if (error instanceof RoutecacheError) console.log(error.code, error.context);
 * ```
 */
export class RoutecacheError extends Error {
  /** A stable, documented code; never changes between releases for the same failure. */
  readonly code: RoutecacheErrorCode;
  /** Structured facts about the failure. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: RoutecacheErrorCode, message: string, options: RoutecacheErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
  }
}

/**
 * An option given to a factory (`createCache`, `memoryStore`, `cacheMiddleware`, …) is invalid.
 * Thrown at factory time, never per request.
 *
 * @example
 * ```ts
 * memoryStore({ maxBytes: -5 }); // throws InvalidOptionError: maxBytes must be a positive integer
 * ```
 */
export class InvalidOptionError extends RoutecacheError {
  /** The dotted name of the offending option, e.g. `staleWhileRevalidate` or `vary[0]`. */
  readonly option: string;

  constructor(option: string, problem: string, options: RoutecacheErrorOptions = {}) {
    super('ROUTECACHE_INVALID_OPTION', `Invalid option "${option}": ${problem}`, {
      ...options,
      context: { option, ...options.context },
    });
    this.option = option;
  }
}

/**
 * A valid option combination that cannot work where it is used (e.g. a cache middleware on a
 * mutation). Thrown on first use with a stable code.
 *
 * @example
 * ```ts
 * // t.procedure.use(cacheMiddleware()).mutation(...) → ConfigurationError on first call
 * ```
 */
export class ConfigurationError extends RoutecacheError {
  constructor(message: string, options: RoutecacheErrorOptions = {}) {
    super('ROUTECACHE_CONFIGURATION', message, options);
  }
}

/**
 * The codec cannot encode a value (a function, a symbol, a class instance…). The engine serves
 * such a value uncached and warns once.
 *
 * @example
 * ```ts
 * defaultCodec.encode({ f: () => 1 }); // throws CodecError (ROUTECACHE_CODEC_UNSUPPORTED_VALUE)
 * ```
 */
export class CodecError extends RoutecacheError {}

/**
 * A store operation failed or exceeded its time budget. The engine treats it as a miss
 * (fail-open) and reports it through the `storeError` event; it never reaches the caller.
 * Also what a bus reports about a message on its channel that it ignored as malformed
 * (`ROUTECACHE_BUS_MESSAGE_INVALID`, through `redisBus({ onInvalidMessage })`).
 *
 * @example
 * ```ts
 * cache.on('storeError', ({ error }) => log.warn(error.code, error.cause));
 * ```
 */
export class StoreError extends RoutecacheError {}

/**
 * Why an input cannot be keyed (see {@link KeyError}).
 *
 * @example
 * ```ts
 * if (error instanceof KeyError && error.reason === 'cycle') console.error(error.path);
 * ```
 */
export type UnkeyableReason = 'unsupported-type' | 'cycle' | 'too-deep' | 'too-large' | 'threw';

/**
 * An input cannot be turned into a cache key: it holds a function, a symbol, a class instance
 * routecache does not know, a cycle, nesting deeper than the limit, a getter that threw, or it
 * is larger than the limit (`MAX_INPUT_LENGTH` characters of canonical encoding).
 * Adapters serve such a call uncached (`BYPASS`) instead of failing it.
 *
 * @example
 * ```ts
 * try {
 *   encodeCanonical({ when: new Temporal.PlainDate(2024, 1, 1) });
 * } catch (error) {
 *   if (error instanceof KeyError) console.log(error.reason, error.path); // 'unsupported-type' '$.when'
 * }
 * ```
 */
export class KeyError extends RoutecacheError {
  /** What made the input unkeyable. */
  readonly reason: UnkeyableReason;
  /** Where in the input, as a JSONPath-like string: `$`, `$.user.tags[3]`. */
  readonly path: string;

  constructor(
    reason: UnkeyableReason,
    path: string,
    problem: string,
    options: RoutecacheErrorOptions = {},
  ) {
    super('ROUTECACHE_UNKEYABLE_INPUT', `Cannot derive a cache key: ${problem} at ${path}`, {
      ...options,
      context: { reason, path, ...options.context },
    });
    this.reason = reason;
    this.path = path;
  }
}
