// tRPC's React Query keys, read back. `@trpc/tanstack-react-query` and `@trpc/react-query` build
// the same shape (getQueryKeyInternal in both):
//   query:    [['users', 'get'], { input: { userId: 1 }, type: 'query' }]   (no `input` when undefined)
//   infinite: [['posts', 'feed'], { input: <input without cursor/direction>, type: 'infinite' }]
// and `@trpc/tanstack-react-query`'s `keyPrefix` feature puts `[prefix]` in front.
// No imports: the client subpath ships this module to browsers.

/** A tRPC query key taken apart: what the invalidation link matches against. */
export interface TrpcQueryKey {
  /** Dotted procedure path, e.g. `users.get`. */
  readonly path: string;
  /** Path segments, e.g. `['users', 'get']`. */
  readonly segments: readonly string[];
  readonly type: 'query' | 'infinite';
  /** The key's input; `undefined` when the key has none. */
  readonly input: unknown;
}

/**
 * Read a React Query key as a tRPC query key, or `undefined` when it is not one (a key of some
 * other library, another prefix, or a mutation key).
 */
export function parseTrpcQueryKey(
  queryKey: readonly unknown[],
  prefix: string | undefined,
): TrpcQueryKey | undefined {
  let parts = queryKey;
  if (prefix !== undefined) {
    const [first, ...rest] = queryKey;
    if (!isStringArray(first) || first.length !== 1 || first[0] !== prefix) return undefined;
    parts = rest;
  }
  const [segments, options] = parts;
  if (parts.length !== 2 || !isStringArray(segments) || !isPlainObject(options)) return undefined;
  const type = options.type ?? 'query';
  if (type !== 'query' && type !== 'infinite') return undefined;
  return { path: segments.join('.'), segments, type, input: options.input };
}

/**
 * The identity of one query's data by path and input, for matching a call or an index entry to
 * a key: order-insensitive JSON, `null` the same as no input. An infinite query is one query
 * over every page: its input is read without `cursor` and `direction` (tRPC's key drops them).
 */
export function queryIdentity(path: string, type: TrpcQueryKey['type'], input: unknown): string {
  const value = type === 'infinite' ? withoutCursor(input) : input;
  return `${type}\u0000${path}\u0000${stableJson(value ?? null)}`;
}

/** Whether a call's input carries the page fields of an infinite query's page. */
export function hasPageFields(input: unknown): boolean {
  return isPlainObject(input) && ('cursor' in input || 'direction' in input);
}

function withoutCursor(input: unknown): unknown {
  if (!hasPageFields(input)) return input;
  const { cursor: _cursor, direction: _direction, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** JSON with object keys sorted, as React Query hashes keys: `{a,b}` and `{b,a}` are one query. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isPlainObject(item)
      ? Object.fromEntries(
          Object.keys(item)
            .sort()
            .map((name) => [name, item[name]]),
        )
      : item,
  );
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
