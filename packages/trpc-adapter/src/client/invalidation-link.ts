import { InvalidOptionError } from '@routecache/core';
import {
  type CallTags,
  decodeCallTags,
  decodeInvalidation,
  INVALIDATE_HEADER,
  type Invalidation,
  TAGS_HEADER,
  warnOnce,
} from '@routecache/core/adapter';
import type { Operation, TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { parseTrpcQueryKey, queryIdentity } from './query-keys.js';
import { QueryTagIndex } from './query-tag-index.js';

/**
 * The part of React Query's `QueryClient` (`@tanstack/react-query` v5, `@tanstack/query-core`)
 * the link uses: pass your `QueryClient` as it is.
 *
 * @example
 * ```ts
 * const queryClient: InvalidatingQueryClient = new QueryClient();
 * ```
 */
export interface InvalidatingQueryClient {
  invalidateQueries(filters: {
    predicate: (query: { readonly queryKey: readonly unknown[] }) => boolean;
  }): Promise<unknown>;
}

/**
 * Options of {@link invalidationLink}.
 *
 * @example
 * ```ts
 * invalidationLink({ queryClient, maxTrackedQueries: 5_000 });
 * ```
 */
export interface InvalidationLinkOptions {
  /** The React Query client whose tRPC queries the link refreshes. */
  readonly queryClient: InvalidatingQueryClient;
  /**
   * How many queries' tags the link remembers (least recently answered forgotten first). A
   * query the link does not remember counts as carrying every tag: a tag invalidation refreshes
   * it too — more, never less.
   * @default 1000
   */
  readonly maxTrackedQueries?: number;
  /**
   * The `keyPrefix` given to `@trpc/tanstack-react-query`'s `createTRPCContext`/
   * `createTRPCOptionsProxy`, when the app uses that feature; the link then manages only the
   * keys under it.
   */
  readonly keyPrefix?: string;
}

/** The part of a `Response` the link reads; tRPC types `context.response` without headers. */
interface HeaderSource {
  readonly headers: { get(name: string): string | null };
}

/** A response an operation came back on, and whether it was streamed (jsonl). */
interface SeenResponse {
  readonly response: HeaderSource;
  readonly streamed: boolean;
}

const NO_TAGS: ReadonlySet<string> = new Set();

/**
 * A tRPC link that keeps React Query fresh after mutations, with no `invalidate` call in the app:
 * when a mutation's response says what it invalidated (`Routecache-Invalidate`, written by
 * routecache's HTTP glue for mutations declared with `invalidates(...)`), the link invalidates
 * the matching tRPC queries in `queryClient`:
 *
 * - a call (`routes.users.get({ userId: 1 })`): the query with exactly that path and input (an
 *   infinite query with that input, whatever its cursor);
 * - a path (`routes.users`, `routes.users.get`): every query under it, as `utils.users.invalidate()`;
 * - a tag: every query whose response carried it (`Routecache-Tags` on query responses; the link
 *   remembers up to `maxTrackedQueries`, and one it does not know — never answered through the
 *   link, forgotten, or answered on a streamed response — counts as carrying every tag);
 * - `*` (the server had too much to say, or the header is unreadable): every tRPC query.
 *
 * Invalidation is React Query's: matching queries are marked stale and the active ones refetch
 * (`refetchType: 'active'`); no other query is touched. Each response's header is applied once,
 * however many operations of a batch share it. Works with `@trpc/tanstack-react-query` over
 * `httpLink` or `httpBatchLink`; `@trpc/react-query` builds the same keys (checked by their
 * shape, not run against that package).
 * `httpBatchStreamLink` writes headers before any call resolves, so a mutation's outcome cannot be
 * in them: send mutations through `httpLink`/`httpBatchLink` with a `splitLink` (below). A
 * mutation that comes back on a streamed response warns once (`ROUTECACHE_STREAMED_MUTATION`).
 *
 * Put it before the terminating link. Without it the app works as before: the headers are ignored.
 *
 * @example
 * ```ts
 * import { invalidationLink } from '@routecache/trpc/client';
 * import { createTRPCClient, httpBatchLink, httpBatchStreamLink, splitLink } from '@trpc/client';
 *
 * const queryClient = new QueryClient();
 * const trpcClient = createTRPCClient<AppRouter>({
 *   links: [
 *     invalidationLink({ queryClient }),
 *     splitLink({
 *       condition: (op) => op.type === 'mutation',
 *       true: httpBatchLink({ url: '/trpc' }), // the mutation's outcome is in its headers
 *       false: httpBatchStreamLink({ url: '/trpc' }), // queries may stream
 *     }),
 *   ],
 * });
 * ```
 */
// Long on purpose (~75 lines): the link's state (the tag index and the per-Response memos) is
// closed over by three small named steps — tagsOf, applyOnce, observe — and the link itself.
export function invalidationLink<TRouter extends AnyTRPCRouter>(
  options: InvalidationLinkOptions,
): TRPCLink<TRouter> {
  const { queryClient, keyPrefix } = options;
  const index = new QueryTagIndex(trackedQueries(options.maxTrackedQueries));
  const tagsByResponse = new WeakMap<object, CallTags[] | 'unknown' | undefined>();
  const applied = new WeakSet<object>();

  function tagsOf(seen: SeenResponse, path: string): ReadonlySet<string> | undefined {
    // A streamed response's head went before its calls ran: their tags are unknown.
    if (seen.streamed) return undefined;
    const { response } = seen;
    if (!tagsByResponse.has(response)) {
      tagsByResponse.set(response, decodeCallTags(response.headers.get(TAGS_HEADER)));
    }
    const entries = tagsByResponse.get(response);
    // The glue writes the header when the response has cached calls: none means no tags.
    if (entries === undefined) return NO_TAGS;
    if (entries === 'unknown') return undefined;
    // A batch's entries are in batch order, but the link cannot see an op's batch index: an op
    // takes every tag of its path — more, never less.
    return new Set(entries.filter(([entryPath]) => entryPath === path).flatMap(([, tags]) => tags));
  }

  function applyOnce({ response, streamed }: SeenResponse): void {
    if (applied.has(response)) return;
    applied.add(response);
    if (streamed) {
      warnOnce(
        'ROUTECACHE_STREAMED_MUTATION',
        'A mutation came back on a streamed (httpBatchStreamLink) response, whose headers are ' +
          `written before any call resolves: it cannot say what it invalidated (${INVALIDATE_HEADER}), ` +
          'so React Query is not refreshed. Send mutations through httpLink or httpBatchLink: ' +
          "splitLink({ condition: (op) => op.type === 'mutation', true: httpBatchLink(...), " +
          'false: httpBatchStreamLink(...) }).',
      );
      return;
    }
    const invalidation = decodeInvalidation(response.headers.get(INVALIDATE_HEADER));
    if (invalidation === undefined) return;
    const matches = matcher(invalidation, index, keyPrefix);
    if (matches === undefined) return;
    // Errors of the refetches are React Query's to report (query state); none reach here.
    void queryClient.invalidateQueries({ predicate: (query) => matches(query.queryKey) });
  }

  function observe(op: Operation, meta: unknown): void {
    const seen = responseOf(meta);
    if (seen === undefined) return;
    if (op.type === 'mutation') applyOnce(seen);
    else if (op.type === 'query') index.record(op.path, op.input, tagsOf(seen, op.path));
  }

  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const subscription = next(op).subscribe({
          next(envelope) {
            // Before the result goes on: the refetches start as the mutation settles.
            observe(op, envelope.context);
            observer.next(envelope);
          },
          error(error) {
            // A failed op of a batch shares the Response of its successful neighbours.
            if (op.type === 'mutation') observe(op, error.meta);
            observer.error(error);
          },
          complete() {
            observer.complete();
          },
        });
        return () => subscription.unsubscribe();
      });
}

/** A predicate over query keys for one invalidation, or `undefined` when it names nothing. */
function matcher(
  invalidation: Invalidation | 'all',
  index: QueryTagIndex,
  keyPrefix: string | undefined,
): ((queryKey: readonly unknown[]) => boolean) | undefined {
  if (invalidation === 'all') {
    return (queryKey) => parseTrpcQueryKey(queryKey, keyPrefix) !== undefined;
  }
  const { calls, paths, tags } = invalidation;
  if (calls.length === 0 && paths.length === 0 && tags.length === 0) return undefined;
  const callIds = new Set(
    calls.flatMap(([path, input]) => [
      queryIdentity(path, 'query', input),
      queryIdentity(path, 'infinite', input),
    ]),
  );
  const prefixes = paths.map((path) => (path === '' ? [] : path.split('.')));
  return (queryKey) => {
    const key = parseTrpcQueryKey(queryKey, keyPrefix);
    if (key === undefined) return false;
    if (prefixes.some((prefix) => prefix.every((segment, i) => key.segments[i] === segment))) {
      return true;
    }
    const id = queryIdentity(key.path, key.type, key.input);
    if (callIds.has(id)) return true;
    if (tags.length === 0) return false;
    const carried = index.tagsOf(id);
    return carried === undefined || tags.some((tag) => carried.has(tag));
  };
}

/**
 * Read `context.response` / `error.meta.response` without trusting its type. `httpLink` and
 * `httpBatchLink` put the parsed body beside it (`responseJSON`); `httpBatchStreamLink` cannot
 * (the body is still arriving), which is how a streamed response is told apart — the same in
 * every `@trpc/client` 11.x from 11.10 on.
 */
function responseOf(meta: unknown): SeenResponse | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const response: unknown = (meta as { response?: unknown }).response;
  if (typeof response !== 'object' || response === null) return undefined;
  const headers: unknown = (response as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get !== 'function') return undefined;
  return { response: response as HeaderSource, streamed: !('responseJSON' in meta) };
}

function trackedQueries(value: number | undefined): number {
  if (value === undefined) return 1000;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidOptionError('maxTrackedQueries', `must be a positive integer, got ${value}`);
  }
  return value;
}
