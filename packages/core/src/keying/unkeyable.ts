import { KeyError, type UnkeyableReason } from '../errors.js';
import { quote } from './escape.js';

/**
 * How the canonical encoder reports an input it cannot key: an internal failure thrown from the
 * offending value, which each container it passes through stamps with its path segment, turned
 * into a public {@link KeyError} at the top. Paths cost nothing until something fails.
 */

/** Segments of a failure's path shown in the error before it is cut with `…`. */
const MAX_PATH_SEGMENTS = 16;

/** @internal A failure carrying the path segments from the failing value up to the root. */
export class Unkeyable {
  readonly segments: string[] = [];
  constructor(
    readonly reason: UnkeyableReason,
    readonly problem: string,
    readonly cause?: unknown,
  ) {}
}

/**
 * @internal Stamp `segment` on a failure passing through a container; wrap any other error (a
 * throwing getter) as a `threw` failure, keeping it as cause.
 *
 * @example
 * ```ts
 * try { encodeValue(item) } catch (error) { throw through(error, '[3]'); }
 * ```
 */
export function through(error: unknown, segment: string): Unkeyable {
  const failure =
    error instanceof Unkeyable ? error : new Unkeyable('threw', 'reading the input threw', error);
  failure.segments.push(segment);
  return failure;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * @internal The path segment of an object key: `.name` or `["odd key"]`.
 *
 * @example
 * ```ts
 * keySegment('userId'); // '.userId'
 * keySegment('a b'); // '["a b"]'
 * ```
 */
export const keySegment = (key: string): string =>
  IDENTIFIER.test(key) ? `.${key}` : `[${quote(key)}]`;

/**
 * @internal The public error for a failure that reached the root (whose segment is `$`).
 *
 * @example
 * ```ts
 * throw toKeyError(through(error, '$')); // KeyError: … at $.user.tags[3]
 * ```
 */
export function toKeyError(failure: Unkeyable): KeyError {
  const segments = [...failure.segments].reverse();
  // A too-deep path is long by definition: keep its head, enough to find the place.
  const path =
    segments.length > MAX_PATH_SEGMENTS
      ? `${segments.slice(0, MAX_PATH_SEGMENTS).join('')}…`
      : segments.join('');
  return new KeyError(failure.reason, path, failure.problem, { cause: failure.cause });
}
