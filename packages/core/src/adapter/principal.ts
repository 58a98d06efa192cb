import { ConfigurationError } from '../errors.js';
import { received, typeName } from '../options/validate.js';

/**
 * The principal a call's private entry is keyed by, from what the setup's `principal` function
 * returned: a non-empty string, or a finite number (keyed as its decimal string, so `42` and
 * `'42'` are one principal). `undefined`, `null` and `''` mean "no principal".
 *
 * Anything else is a wiring bug that must never become a key: an object would be keyed as
 * `[object Object]`, one entry shared by every user. It fails the call instead.
 *
 * @internal
 * @throws {ConfigurationError} naming the route and the type received.
 * @example
 * ```ts
 * principalKey(ctx.user?.id, 'users.me'); // 'u1', '42' or undefined
 * principalKey(ctx.user, 'users.me'); // throws: … got {…} (object)
 * ```
 */
export function principalKey(value: unknown, path: string): string | undefined {
  // Strings first: the common case costs one typeof.
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ConfigurationError(
    `the principal of "${path}" must be a non-empty string or a finite number (undefined, null or '' for none), ${received(value)}: return an id such as ctx.user?.id, not the user object`,
    { context: { path, type: typeName(value) } },
  );
}
