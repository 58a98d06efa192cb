import { isPlainObject } from '../builtins.js';
import { CodecError } from '../errors.js';

/** @internal Name of the root in error paths: `value.user.save is a function`. */
export const ROOT_PATH = 'value';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** One path segment in the style of JS property access: `.name`, `[3]`, `["a b"]`. */
function pathSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Path segment of a Map entry, `.get("id")`; non-primitive keys show as `...`. */
function mapKeySegment(key: unknown): string {
  if (typeof key === 'string') return `.get(${JSON.stringify(key)})`;
  if (typeof key === 'bigint') return `.get(${key}n)`;
  const primitive = key === null || (typeof key !== 'object' && typeof key !== 'function');
  return `.get(${primitive ? String(key) : '...'})`;
}

/** @internal Marks, on a path stack, that the next entry is a Map key, not a property name. */
export const MAP_KEY: unique symbol = Symbol('map key');

/**
 * @internal Format a stack of raw path keys (property names, indexes, `MAP_KEY` + key) as
 * `value.list[0].get("id")`. Encoders keep the raw stack and format it only when they throw.
 *
 * @example
 * ```ts
 * formatPath(['list', 0, MAP_KEY, 'id']); // 'value.list[0].get("id")'
 * ```
 */
export function formatPath(path: readonly unknown[]): string {
  let text = ROOT_PATH;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    if (segment === MAP_KEY) {
      index += 1;
      text += mapKeySegment(path[index]);
    } else {
      text += pathSegment(segment as string | number);
    }
  }
  return text;
}

function constructorName(value: object): string {
  const ctor: unknown = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)
    ?.constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'an anonymous class';
}

/**
 * @internal Why `value` cannot be encoded, as the end of a sentence that starts with its path:
 * `is a function`, `is an instance of User`. `detail` refines the case of a plain object the
 * codec refused (symbol keys, an own `__proto__` key).
 *
 * @example
 * ```ts
 * describeUnsupported(() => 1); // 'is a function'
 * ```
 */
export function describeUnsupported(value: unknown, detail?: string): string {
  if (typeof value === 'function') return 'is a function';
  if (typeof value === 'symbol') return 'is a symbol';
  if (typeof value !== 'object' || value === null) return `cannot be encoded (${detail ?? ''})`;
  if (isPlainObject(value)) return detail ?? 'has symbol keys';
  if (typeof (value as { then?: unknown }).then === 'function') return 'is a Promise (await it)';
  return `is an instance of ${constructorName(value)} (only plain objects and built-ins are encoded)`;
}

/**
 * @internal The `CodecError` every codec throws for a value it refuses, so the engine's one-time
 * warning reads the same whichever codec is configured.
 *
 * @example
 * ```ts
 * throw unsupportedValue('rcb1', 'value.user.save', 'is a function');
 * ```
 */
export function unsupportedValue(
  codec: string,
  path: string,
  problem: string,
  cause?: unknown,
): CodecError {
  return new CodecError(
    'ROUTECACHE_CODEC_UNSUPPORTED_VALUE',
    `Codec "${codec}" cannot encode the value: ${path} ${problem}`,
    { cause, context: { codec, path } },
  );
}

/**
 * @internal The `CodecError` for an encoder failure that is not a refusal of its own: a throwing
 * getter, a stack overflow on absurdly deep data. Still "this value cannot be cached".
 *
 * @example
 * ```ts
 * catch (error) { throw encodeFailed('rcb1', error); }
 * ```
 */
export function encodeFailed(codec: string, cause: unknown): CodecError {
  if (CodecError.is(cause)) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return unsupportedValue(codec, ROOT_PATH, `cannot be encoded (${reason})`, cause);
}

/**
 * @internal The `CodecError` for bytes a codec cannot decode.
 *
 * @example
 * ```ts
 * catch (error) { throw decodeFailed('rcb1', bytes, error); }
 * ```
 */
export function decodeFailed(codec: string, bytes: Uint8Array, cause: unknown): CodecError {
  return new CodecError(
    'ROUTECACHE_CODEC_DECODE_FAILED',
    `Codec "${codec}" cannot decode the bytes`,
    {
      cause,
      context: { codec, length: bytes.length },
    },
  );
}
