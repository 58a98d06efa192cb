/**
 * Every error routecache throws. Each class carries a stable `code` from its own set (safe to
 * match on), a fixed message prefix, context fields, and the underlying `cause` when there is
 * one. Match with {@link RoutecacheError.is} rather than `instanceof`: it also recognises an
 * error thrown by another copy of `@routecache/core` (two versions in one `node_modules`, or
 * one bundled twice), where `instanceof` is false.
 *
 * @example
 * ```ts
 * try {
 *   createCache({ ttl: -1 });
 * } catch (error) {
 *   if (RoutecacheError.is(error, 'ROUTECACHE_INVALID_OPTION')) {
 *     console.error(error.option, error.message); // names the bad option
 *   }
 * }
 * ```
 */
export type RoutecacheErrorCode =
  | InvalidOptionErrorCode
  | ConfigurationErrorCode
  | CodecErrorCode
  | StoreErrorCode
  | KeyErrorCode
  | PurgeErrorCode;

const INVALID_OPTION_CODES = ['ROUTECACHE_INVALID_OPTION'] as const;
const CONFIGURATION_CODES = ['ROUTECACHE_CONFIGURATION'] as const;
const CODEC_CODES = [
  'ROUTECACHE_CODEC_UNSUPPORTED_VALUE',
  'ROUTECACHE_CODEC_DECODE_FAILED',
  'ROUTECACHE_CODEC_ENVELOPE_INVALID',
] as const;
const STORE_CODES = [
  'ROUTECACHE_STORE_ERROR',
  'ROUTECACHE_STORE_TIMEOUT',
  'ROUTECACHE_STORE_UNAVAILABLE',
  'ROUTECACHE_BUS_MESSAGE_INVALID',
] as const;
const KEY_CODES = ['ROUTECACHE_UNKEYABLE_INPUT'] as const;
const PURGE_CODES = ['ROUTECACHE_PURGE_FAILED', 'ROUTECACHE_PURGE_TIMEOUT'] as const;

/** The code of an {@link InvalidOptionError}. */
export type InvalidOptionErrorCode = (typeof INVALID_OPTION_CODES)[number];
/** The code of a {@link ConfigurationError}. */
export type ConfigurationErrorCode = (typeof CONFIGURATION_CODES)[number];
/**
 * The codes of a {@link CodecError}: `ROUTECACHE_CODEC_UNSUPPORTED_VALUE` (`encode` refused or
 * failed on a value), `ROUTECACHE_CODEC_DECODE_FAILED` (`decode` got bytes its codec did not
 * make), `ROUTECACHE_CODEC_ENVELOPE_INVALID` (`encodeEnvelope` got an entry that does not fit
 * the envelope's limits).
 */
export type CodecErrorCode = (typeof CODEC_CODES)[number];
/**
 * The codes of a {@link StoreError}: `ROUTECACHE_STORE_ERROR` (an operation failed),
 * `ROUTECACHE_STORE_TIMEOUT` (it exceeded its time budget), `ROUTECACHE_STORE_UNAVAILABLE` (the
 * store is down or disposed), `ROUTECACHE_BUS_MESSAGE_INVALID` (a bus ignored a message that is
 * not a routecache bus message).
 */
export type StoreErrorCode = (typeof STORE_CODES)[number];
/** The code of a {@link KeyError}. */
export type KeyErrorCode = (typeof KEY_CODES)[number];
/**
 * The codes of a {@link PurgeError}: `ROUTECACHE_PURGE_FAILED` (the purger rejected: the CDN
 * refused or could not be reached), `ROUTECACHE_PURGE_TIMEOUT` (it exceeded its time budget).
 */
export type PurgeErrorCode = (typeof PURGE_CODES)[number];

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

// A registered symbol is the same in every copy of this package (and every realm), so the brand
// survives where the class identity does not.
const BRAND = Symbol.for('@routecache/core:error');

/** A routecache error class, as `is` sees it (the base or one of its subclasses). */
interface ErrorClass<E> {
  readonly prototype: E;
  readonly codes: readonly string[] | undefined;
}

/** Every concrete error class, for narrowing by code. */
type KnownError =
  | InvalidOptionError
  | ConfigurationError
  | CodecError
  | StoreError
  | KeyError
  | PurgeError;

/** The class whose codes include `C`, e.g. `StoreError` for `ROUTECACHE_STORE_TIMEOUT`. */
type ClassOfCode<C> = KnownError extends infer K
  ? K extends { readonly code: infer Codes }
    ? C extends Codes
      ? K
      : never
    : never
  : never;

/**
 * Base class of every routecache error.
 *
 * @example
 * ```ts
 * if (RoutecacheError.is(error)) console.log(error.code, error.context);
 * ```
 */
export class RoutecacheError extends Error {
  /**
   * The codes this class throws; `undefined` on the base class, which accepts any routecache
   * code (also one a newer copy of the package added).
   */
  static readonly codes: readonly RoutecacheErrorCode[] | undefined = undefined;

  /** A stable, documented code; never changes between releases for the same failure. */
  readonly code: RoutecacheErrorCode;
  /** Structured facts about the failure. */
  readonly context: Readonly<Record<string, unknown>>;

  protected constructor(
    code: RoutecacheErrorCode,
    message: string,
    options: RoutecacheErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
  }

  /**
   * Whether `error` is a routecache error of this class (`StoreError.is(error)`), or of any
   * class on `RoutecacheError`, optionally with one `code`; narrows the type to match. Unlike
   * `instanceof`, it is true for an error from another copy of `@routecache/core`: it checks
   * a brand every copy sets and the code, not the class identity.
   *
   * @example
   * ```ts
   * cache.on('storeError', ({ error }) => {
   *   if (RoutecacheError.is(error, 'ROUTECACHE_STORE_TIMEOUT')) metrics.timeouts.inc();
   * });
   * if (InvalidOptionError.is(error)) console.error(error.option);
   * ```
   */
  static is<E extends RoutecacheError>(this: ErrorClass<E>, error: unknown): error is E;
  static is<E extends RoutecacheError, C extends E['code']>(
    this: ErrorClass<E>,
    error: unknown,
    code: C,
  ): error is E & ClassOfCode<C> & { readonly code: C };
  static is(this: ErrorClass<RoutecacheError>, error: unknown, code?: string): boolean {
    if (typeof error !== 'object' || error === null) return false;
    if ((error as Record<symbol, unknown>)[BRAND] !== true) return false;
    const actual = (error as { code?: unknown }).code;
    if (typeof actual !== 'string' || (code !== undefined && actual !== code)) return false;
    // biome-ignore lint/complexity/noThisInStatic: the class `is` is called on (StoreError.is → its codes)
    const { codes } = this;
    return codes === undefined || codes.includes(actual);
  }
}

Object.defineProperty(RoutecacheError.prototype, BRAND, { value: true });

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
  static override readonly codes: readonly InvalidOptionErrorCode[] = INVALID_OPTION_CODES;
  declare readonly code: InvalidOptionErrorCode;
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
  static override readonly codes: readonly ConfigurationErrorCode[] = CONFIGURATION_CODES;
  declare readonly code: ConfigurationErrorCode;

  constructor(message: string, options: RoutecacheErrorOptions = {}) {
    super('ROUTECACHE_CONFIGURATION', message, options);
  }
}

/**
 * A codec cannot encode a value (a function, a symbol, a class instance…:
 * `ROUTECACHE_CODEC_UNSUPPORTED_VALUE`) or decode bytes (`ROUTECACHE_CODEC_DECODE_FAILED`), or an
 * entry does not fit the envelope (`ROUTECACHE_CODEC_ENVELOPE_INVALID`). The engine serves a
 * value it cannot encode uncached and warns once.
 *
 * @example
 * ```ts
 * defaultCodec.encode({ f: () => 1 }); // throws CodecError (ROUTECACHE_CODEC_UNSUPPORTED_VALUE)
 * ```
 */
export class CodecError extends RoutecacheError {
  static override readonly codes: readonly CodecErrorCode[] = CODEC_CODES;
  declare readonly code: CodecErrorCode;

  constructor(code: CodecErrorCode, message: string, options: RoutecacheErrorOptions = {}) {
    super(code, message, options);
  }
}

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
export class StoreError extends RoutecacheError {
  static override readonly codes: readonly StoreErrorCode[] = STORE_CODES;
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: RoutecacheErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * Why an input cannot be keyed (see {@link KeyError}).
 *
 * @example
 * ```ts
 * if (KeyError.is(error) && error.reason === 'cycle') console.error(error.path);
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
 *   if (KeyError.is(error)) console.log(error.reason, error.path); // 'unsupported-type' '$.when'
 * }
 * ```
 */
export class KeyError extends RoutecacheError {
  static override readonly codes: readonly KeyErrorCode[] = KEY_CODES;
  declare readonly code: KeyErrorCode;
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

/**
 * A CDN purge failed or ran out of time. It never reaches the caller of the invalidation: the
 * purge is retried in the background and reported through the `purgeError` event (or one
 * `ROUTECACHE_PURGE_FAILED` warning when nobody listens). `keys` are the surrogate keys it
 * purged; `cause` is what the purger threw.
 *
 * @example
 * ```ts
 * cache.on('purgeError', ({ error, willRetry }) => log.warn(error.code, error.keys, willRetry, error.cause));
 * ```
 */
export class PurgeError extends RoutecacheError {
  static override readonly codes: readonly PurgeErrorCode[] = PURGE_CODES;
  declare readonly code: PurgeErrorCode;
  /** The surrogate keys of the failed purge. */
  readonly keys: readonly string[];

  constructor(
    code: PurgeErrorCode,
    message: string,
    keys: readonly string[],
    options: RoutecacheErrorOptions = {},
  ) {
    super(code, message, { ...options, context: { keys, ...options.context } });
    this.keys = keys;
  }
}
