import { InvalidOptionError } from '@routecache/core';
import { numberOption, optionKeys, optionsObject } from '@routecache/core/adapter';
import { LRUCache } from 'lru-cache';

/**
 * The `fetch` a {@link revalidatingFetch} wraps and returns: the global `fetch`'s shape, with
 * `init` as loose as tRPC's links pass it.
 *
 * @example
 * ```ts
 * const fetchLike: FetchLike = (input, init) => fetch(input, init);
 * ```
 */
export type FetchLike = (input: string | URL | Request, init?: FetchInitLike) => Promise<Response>;

/**
 * The parts of a `RequestInit` tRPC's HTTP links pass (`RequestInit` fits).
 *
 * @example
 * ```ts
 * const init: FetchInitLike = { method: 'GET', headers: { authorization: 'Bearer …' } };
 * ```
 */
export interface FetchInitLike {
  method?: string | undefined;
  headers?: RequestInit['headers'] | undefined;
  body?: RequestInit['body'] | undefined;
  signal?: AbortSignal | null | undefined;
}

/**
 * Options of {@link revalidatingFetch}.
 *
 * @example
 * ```ts
 * const options: RevalidatingFetchOptions = { maxBytes: 4 * 1024 * 1024, keyHeaders: ['x-tenant'] };
 * ```
 */
export interface RevalidatingFetchOptions {
  /** The `fetch` to send requests with. @default globalThis.fetch */
  fetch?: FetchLike;
  /**
   * Upper bound on the bodies and headers kept, in bytes (least recently used go first; a
   * response larger than this is not kept). @default 8 MiB
   */
  maxBytes?: number;
  /**
   * Request headers that tell callers apart, beside `authorization` and `cookie`: each stored
   * response is kept per value of all of them, so one caller's response is never revalidated
   * for another. A `private` response to a request carrying none of them is not kept (the
   * client cannot tell whose it is).
   */
  keyHeaders?: readonly string[];
}

/** One remembered 200: its validator, its bytes and headers, and what it varied on. */
interface Remembered {
  readonly etag: string;
  readonly body: Uint8Array<ArrayBuffer>;
  readonly headers: readonly (readonly [string, string])[];
  /** The request's values of the response's `Vary` names, as sent. */
  readonly vary: readonly (readonly [string, string | null])[];
  readonly bytes: number;
}

const KNOWN_OPTIONS = optionKeys<RevalidatingFetchOptions>({
  fetch: true,
  maxBytes: true,
  keyHeaders: true,
});
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const IDENTITY_HEADERS = ['authorization', 'cookie'];
/**
 * Headers describing the bytes on the wire, not the decoded body `fetch` hands over: neither
 * kept nor taken from a 304.
 */
const WIRE_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

/**
 * A `fetch` for tRPC's `httpLink` / `httpBatchLink` on clients without an HTTP cache (SSR,
 * scripts, React Native): it remembers the `ETag` and body of each query response, sends
 * `If-None-Match` when the same URL is asked again, and turns the server's empty
 * `304 Not Modified` back into the remembered `200`, so the link chain and the app see normal
 * data while the body is not sent again. A changed entry comes back as a `200` with the new data
 * and replaces the remembered one.
 *
 * What is kept: a `GET` answered `200` with an `ETag`, no `Cache-Control: no-store`, and no
 * `Vary: *`, keyed by URL and the request's `authorization`, `cookie` and `keyHeaders` values;
 * its `Vary` names must match too. A `private` response is kept only when the request carried
 * one of those identity headers. Mutations (`POST`), requests with their own `If-None-Match`
 * and streamed responses pass through. Memory is bounded by `maxBytes` (lru-cache).
 *
 * @throws {InvalidOptionError} when an option is invalid or unknown.
 * @example
 * ```ts
 * import { createTRPCClient, httpBatchLink } from '@trpc/client';
 * import { revalidatingFetch } from '@routecache/trpc/client';
 *
 * const client = createTRPCClient<AppRouter>({
 *   links: [httpBatchLink({ url: 'http://127.0.0.1:3000/trpc', fetch: revalidatingFetch() })],
 * });
 * ```
 */
export function revalidatingFetch(options: RevalidatingFetchOptions = {}): FetchLike {
  optionsObject(options, KNOWN_OPTIONS);
  const maxBytes =
    numberOption('maxBytes', options.maxBytes, { min: 1, unit: 'bytes' }) ?? DEFAULT_MAX_BYTES;
  const identity = identityHeaders(options.keyHeaders);
  const send: FetchLike = options.fetch ?? ((input, init) => fetch(input, init as RequestInit));
  const remembered = new LRUCache<string, Remembered>({
    maxSize: maxBytes,
    sizeCalculation: (entry) => entry.bytes,
  });

  return async function revalidating(input, init) {
    const request = new Request(input, init as RequestInit);
    if (request.method !== 'GET' || request.headers.has('if-none-match')) {
      return send(input, init);
    }
    const key = [request.url, ...identity.map((name) => request.headers.get(name) ?? '')].join(
      '\n',
    );
    const known = remembered.get(key);
    const usable = known !== undefined && sameVary(known, request.headers);
    const headers = new Headers(request.headers);
    if (usable) headers.set('if-none-match', known.etag);
    const response = await send(request.url, {
      method: 'GET',
      headers,
      signal: request.signal,
    });

    if (usable && response.status === 304) {
      await response.body?.cancel();
      return replay(known, response.headers);
    }
    if (response.status !== 200) return response;
    const kept = await keep(request.headers, response, identity);
    if (kept === undefined) {
      remembered.delete(key);
      return response;
    }
    remembered.set(key, kept.entry);
    return kept.response;
  };
}

function identityHeaders(extra: readonly string[] | undefined): readonly string[] {
  if (extra !== undefined && !(Array.isArray(extra) && extra.every((n) => typeof n === 'string'))) {
    throw new InvalidOptionError('keyHeaders', 'must be an array of header names');
  }
  return [...new Set([...IDENTITY_HEADERS, ...(extra ?? []).map((name) => name.toLowerCase())])];
}

function sameVary(known: Remembered, request: Headers): boolean {
  return known.vary.every(([name, value]) => request.get(name) === value);
}

/** The remembered 200, with the headers the 304 sent replacing the stored ones (RFC 9111 §4.3.4). */
function replay(known: Remembered, fresh: Headers): Response {
  const headers = new Headers(known.headers as [string, string][]);
  for (const [name, value] of fresh) if (!WIRE_HEADERS.has(name)) headers.set(name, value);
  return new Response(known.body.slice(), { status: 200, headers });
}

/**
 * Read `response` and decide whether to remember it: the entry and a fresh `Response` over the
 * bytes read, or `undefined` (the response is returned unread).
 */
async function keep(
  request: Headers,
  response: Response,
  identity: readonly string[],
): Promise<{ entry: Remembered; response: Response } | undefined> {
  const etag = response.headers.get('etag');
  const cacheControl = (response.headers.get('cache-control') ?? '').toLowerCase();
  const varyNames = (response.headers.get('vary') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (
    etag === null ||
    /(^|,)\s*no-store\s*(,|$)/.test(cacheControl) ||
    varyNames.includes('*') ||
    response.headers.get('content-type')?.startsWith('application/json') !== true
  ) {
    return undefined;
  }
  if (
    /(^|,)\s*private\s*(,|$)/.test(cacheControl) &&
    !identity.some((name) => request.get(name) !== null)
  ) {
    return undefined;
  }
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = [...response.headers].filter(([name]) => !WIRE_HEADERS.has(name));
  const vary = varyNames.map((name) => [name, request.get(name)] as const);
  const bytes = body.byteLength + headers.reduce((sum, [n, v]) => sum + n.length + v.length, 0);
  return {
    entry: { etag, body, headers, vary, bytes },
    response: new Response(body.slice(), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }),
  };
}
