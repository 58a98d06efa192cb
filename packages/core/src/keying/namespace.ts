import { InvalidOptionError } from '../errors.js';
import { received } from '../options/validate.js';
import { escapeText } from './escape.js';

/**
 * How a route namespace combines with the cache's root namespace.
 *
 * @example
 * ```ts
 * createCache({ namespace: 'api', namespacePolicy: 'concat' }); // route 'v2' -> 'api:v2'
 * createCache({ namespace: 'api', namespacePolicy: 'replace' }); // route 'v2' -> 'v2'
 * ```
 */
export type NamespacePolicy = 'concat' | 'replace';

/**
 * Combine the cache's root namespace with a route's own namespace.
 *
 * - `'concat'`: `root:route`, or whichever one is present. Each part is escaped (`%`, `:`, `|`, `#`,
 *   `~` percent-encoded), so root `a:b` + route `c` (`a%3Ab:c`) differs from root `a` + route
 *   `b:c` (`a:b%3Ac`), and from root `a` + route `b` (`a:b`).
 * - `'replace'`: the route's namespace when it has one, else the root one (escaped likewise).
 *
 * An empty string counts as absent (`validateNamespace` rejects it at factory time anyway).
 *
 * @returns the resolved namespace, or `undefined` when neither is present.
 * @example
 * ```ts
 * resolveNamespace('api', 'users', 'concat'); // 'api:users'
 * resolveNamespace('api', 'users', 'replace'); // 'users'
 * resolveNamespace('api', undefined, 'concat'); // 'api'
 * ```
 */
export function resolveNamespace(
  root: string | undefined,
  route: string | undefined,
  policy: NamespacePolicy,
): string | undefined {
  const rootPart = root === undefined || root === '' ? undefined : escapeText(root, true);
  const routePart = route === undefined || route === '' ? undefined : escapeText(route, true);
  if (policy === 'replace') return routePart ?? rootPart;
  if (rootPart === undefined) return routePart;
  return routePart === undefined ? rootPart : `${rootPart}:${routePart}`;
}

/**
 * Validate a namespace option at factory time: `undefined` (no namespace) or a non-empty string.
 *
 * @param value - The option's value, as the user gave it.
 * @param option - The option's name for the error, e.g. `namespace`.
 * @returns `value`, typed.
 * @example
 * ```ts
 * const namespace = validateNamespace(options.namespace, 'namespace');
 * ```
 * @throws {InvalidOptionError} when `value` is not a string or is empty.
 */
export function validateNamespace(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(option, `must be a non-empty string, ${received(value)}`);
  }
  return value;
}
