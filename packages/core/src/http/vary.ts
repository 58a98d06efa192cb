import { InvalidOptionError } from '../errors.js';
import { received } from '../options/validate.js';
import { isToken } from './syntax.js';

/**
 * Parses a `Vary` header (RFC 9110 §12.5.5: `Vary = #( "*" / field-name )`) into lower-cased,
 * trimmed, de-duplicated names in first-seen order; `*` is kept as `'*'`. Empty elements are
 * dropped. Members that are not valid field names are kept, not dropped: a response must never
 * be treated as varying on fewer headers than it says ({@link isCacheableResponse} refuses them).
 *
 * @example
 * ```ts
 * parseVaryHeader('Accept-Encoding, accept-encoding , Origin'); // ['accept-encoding', 'origin']
 * parseVaryHeader('*');  // ['*']
 * parseVaryHeader(null); // []
 * ```
 */
export function parseVaryHeader(value: string | null | undefined): string[] {
  if (value == null) return [];
  const names = new Set<string>();
  for (const part of value.split(',')) {
    // Field names are case-insensitive (RFC 9110 §5.1); OWS around list members is not part of them.
    const name = part.trim().toLowerCase();
    if (name !== '') names.add(name);
  }
  return [...names];
}

/**
 * Merges `Vary` values — header strings or lists of names — into one header value: lower-cased,
 * de-duplicated, in first-seen order. If any value holds `*`, the result is `'*'` (RFC 9110
 * §12.5.5: the response varies on something outside the request headers). `undefined` when
 * there is nothing to vary on, so the caller can leave the header out.
 *
 * @example
 * ```ts
 * mergeVary('trpc-accept, Accept', ['Accept-Language', 'accept']); // 'trpc-accept, accept, accept-language'
 * mergeVary('Accept', '*');       // '*'
 * mergeVary(null, [], undefined); // undefined
 * ```
 */
export function mergeVary(
  ...values: readonly (string | readonly string[] | null | undefined)[]
): string | undefined {
  const names = new Set<string>();
  for (const value of values) {
    if (value == null) continue;
    // A list element may itself be a comma list (e.g. copied from another header).
    const parts = typeof value === 'string' ? [value] : value;
    for (const part of parts) {
      for (const name of parseVaryHeader(part)) names.add(name);
    }
  }
  if (names.has('*')) return '*';
  return names.size === 0 ? undefined : [...names].join(', ');
}

/**
 * Validates a route's `vary` option once, at factory time, and returns it normalized: lower-cased
 * (header names are case-insensitive) and de-duplicated, in first-seen order, frozen.
 *
 * @param names the configured header names, e.g. `['Accept-Language']`
 * @param option the option's name, used in the error (e.g. `'vary'`)
 * @throws {InvalidOptionError} naming `option` when a name is `*` — `Vary: *` makes a response
 *   uncacheable (RFC 9110 §12.5.5), so the route should not be cached at all — or is not an
 *   RFC 9110 §5.6.2 token (empty, whitespace, commas, non-ASCII…). The offending index and name
 *   are in the message and in `error.context`.
 * @example
 * ```ts
 * normalizeVaryOption(['Accept-Language', 'accept-language'], 'vary'); // ['accept-language']
 * normalizeVaryOption(['*'], 'vary'); // throws InvalidOptionError (option 'vary')
 * ```
 */
export function normalizeVaryOption(names: readonly string[], option: string): readonly string[] {
  // Config may come from untyped JavaScript or JSON: check the shape, not just the types.
  if (!Array.isArray(names)) {
    throw new InvalidOptionError(option, `must be an array of header names, ${received(names)}`, {
      context: { value: names },
    });
  }
  const normalized = new Set<string>();
  names.forEach((name: unknown, index) => {
    if (name === '*') {
      throw new InvalidOptionError(
        option,
        `${option}[${index}] is "*": Vary: * makes a response uncacheable; remove the route's cache instead`,
        { context: { index, name } },
      );
    }
    if (typeof name !== 'string' || !isToken(name)) {
      throw new InvalidOptionError(
        option,
        `${option}[${index}] is not a valid header name (RFC 9110 token), ${received(name)}`,
        { context: { index, name } },
      );
    }
    normalized.add(name.toLowerCase());
  });
  return Object.freeze([...normalized]);
}
