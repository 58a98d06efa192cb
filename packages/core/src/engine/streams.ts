import { ignore } from '../async.js';
import type { CacheEntry, EntryAddress, Fence, StreamRecord } from '../stores/types.js';
import type { MaybePromise } from '../types.js';
import type { CommitRequest, Committer } from './commit.js';
import type { CacheEvents } from './events.js';
import type { FillOutcome } from './single-flight.js';
import type { Failed } from './store-calls.js';
import type { EntryPolicy, LoadRequest, StreamLimits } from './types.js';

const SETTLED: Promise<void> = Promise.resolve();

/** A stream fill that stored nothing: callers that joined it run their own load. */
const NOT_STORED: FillOutcome = {
  value: undefined,
  kind: 'stream',
  etag: undefined,
  stored: false,
  maxAge: 0,
  streaming: SETTLED,
};

/** What a stream fill reads of its call: the limits, the `cacheable` hook and the policy. */
export type StreamFillRequest = Pick<LoadRequest<unknown>, 'stream' | 'cacheable'> & EntryPolicy;

/**
 * Whether a loader's result is a stream (an async iterable, e.g. an async generator).
 *
 * @example
 * ```ts
 * isAsyncIterable((async function* () {})()); // true
 * ```
 */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Replay a cached stream: the same chunks in order, then the same return value.
 *
 * @example
 * ```ts
 * for await (const chunk of replayStream({ chunks: [1, 2], returnValue: 'end' })) console.log(chunk);
 * ```
 */
export async function* replayStream(record: StreamRecord): AsyncGenerator<unknown, unknown> {
  for (const chunk of record.chunks) yield chunk;
  return record.returnValue;
}

/**
 * What a caller is handed for a stored value of `kind`: a stream entry is replayed (each caller
 * gets its own replay), any other value is served as is, whatever its shape.
 *
 * @example
 * ```ts
 * const value = servedValue(entry.value, entry.kind);
 * ```
 */
export function servedValue(value: unknown, kind: CacheEntry['kind']): unknown {
  return kind === 'stream' ? replayStream(value as StreamRecord) : value;
}

/**
 * The fill of one loaded stream: committed once, when the stream completes cleanly, or aborted
 * (an error, an early stop, past the limits, dropped unread). Either way `settled` resolves once,
 * with what the commit did or with {@link NOT_STORED}.
 *
 * @example
 * ```ts
 * const fill = new StreamFill((record) => commit(address, record, 'stream', fence, policy), skip);
 * const tee = teeIntoFill(stream, fill, limits);
 * ```
 */
export class StreamFill {
  #open = true;
  #settle: (outcome: FillOutcome) => void = ignore;
  readonly settled = new Promise<FillOutcome>((resolve) => {
    this.#settle = resolve;
  });

  constructor(
    private readonly store: (record: StreamRecord) => MaybePromise<FillOutcome>,
    private readonly skip: () => void,
  ) {}

  /** Neither committed nor aborted yet. */
  get open(): boolean {
    return this.#open;
  }

  async commit(record: StreamRecord): Promise<void> {
    if (!this.#close()) return;
    this.#settle(await this.store(record));
  }

  abort(): void {
    if (!this.#close()) return;
    this.skip();
    this.#settle(NOT_STORED);
  }

  #close(): boolean {
    if (!this.#open) return false;
    this.#open = false;
    dropped?.unregister(this);
    return true;
  }
}

/**
 * Aborts the fill of a stream its caller dropped unread (a server-side caller that never iterates
 * it), once the stream is garbage-collected: the fill holds a cross-instance lease until it
 * settles. The fill never references its stream, so registering keeps nothing alive.
 */
const dropped =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<StreamFill>((fill) => fill.abort())
    : undefined;

/**
 * Fill an entry from a stream a load returned, under the fence taken before that load.
 *
 * - In the foreground the caller reads it: it gets a tee that passes every chunk through and
 *   commits the buffered record when the stream ends cleanly. The outcome is ready at once; its
 *   `streaming` settles when the fill does.
 * - In the background (a stale-while-revalidate refresh) nobody else reads it: the engine reads
 *   it to its end, or until it outgrows the limits, and the outcome is the commit's.
 * - Without `request.stream` limits, or when `request.cacheable(stream, 'stream')` says no, the
 *   stream is not stored: handed back untouched in the foreground, closed in the background.
 *
 * @example
 * ```ts
 * const fillFromStream = createStreamFiller(commit, events);
 * const outcome = await fillFromStream(address, fence, request, stream, false);
 * for await (const chunk of outcome.value as AsyncIterable<unknown>) send(chunk);
 * ```
 */
export function createStreamFiller(commit: Committer, events: CacheEvents): StreamFiller {
  return function fillFromStream(
    address: EntryAddress,
    fence: Fence | Failed,
    request: StreamFillRequest,
    stream: AsyncIterable<unknown, unknown>,
    background: boolean,
  ): Promise<FillOutcome> {
    const limits = request.stream;
    if (limits === undefined || request.cacheable?.(stream, 'stream') === false) {
      events.skipped(address, 'uncacheable');
      if (!background) return Promise.resolve(handOver(stream, SETTLED));
      stream[Symbol.asyncIterator]().return?.()?.then(ignore, ignore);
      return Promise.resolve(NOT_STORED);
    }
    // The policy without the hooks: `cacheable` was asked above, and a record gets no own ETag.
    const { ttl, staleWhileRevalidate, staleIfError } = request;
    const policy: CommitRequest = { ttl, staleWhileRevalidate, staleIfError };
    const fill = new StreamFill(
      (record) => commit(address, record, 'stream', fence, policy),
      () => events.skipped(address, 'aborted'),
    );
    const tee = teeIntoFill(stream, fill, limits);
    if (background) return readThrough(tee, fill);
    dropped?.register(tee, fill, fill);
    return Promise.resolve(handOver(tee, fill.settled.then(ignore)));
  };
}

/** Fills an entry from a stream as it is read: {@link createStreamFiller}. */
export type StreamFiller = (
  address: EntryAddress,
  fence: Fence | Failed,
  request: StreamFillRequest,
  stream: AsyncIterable<unknown, unknown>,
  background: boolean,
) => Promise<FillOutcome>;

/** The outcome of a foreground stream fill: the stream is for the caller whose load ran. */
function handOver(stream: AsyncIterable<unknown, unknown>, settled: Promise<void>): FillOutcome {
  return {
    value: stream,
    kind: 'stream',
    etag: undefined,
    stored: false,
    maxAge: 0,
    streaming: settled,
  };
}

/** Read a background refresh's tee until its fill settles; then close it (closes the source). */
async function readThrough(
  tee: AsyncIterator<unknown, unknown>,
  fill: StreamFill,
): Promise<FillOutcome> {
  try {
    // Past the limits the fill is aborted: stop there rather than read on for nobody.
    while (fill.open && (await tee.next()).done !== true);
    await tee.return?.(undefined);
  } catch {
    // A failing stream aborted its fill (the tee did): nothing to store.
  }
  return fill.settled;
}

/**
 * Pass a stream through chunk by chunk while buffering it for `fill`. The record is committed
 * only when the source completes cleanly; an error, an abort (the consumer stops early: client
 * disconnect, cancelled request) or exceeding `limits` stores nothing. Past the limits the stream
 * keeps flowing, it is just no longer buffered.
 *
 * The fill is settled on every path: commit at the end; abort on an error, on the cap, and on
 * `return()`/`throw()` — even before the first `next()`.
 *
 * @example
 * ```ts
 * const tee = teeIntoFill(resolverStream, fill, { maxChunks: 10_000, maxBytes: 1 << 20 });
 * ```
 */
export function teeIntoFill<T, TReturn>(
  source: AsyncIterable<T, TReturn>,
  fill: Pick<StreamFill, 'commit' | 'abort'>,
  limits: StreamLimits,
): AsyncIterableIterator<T, TReturn, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const tee = buffer(iterator, fill, limits);
  let started = false;
  // A generator closed before its first `next()` skips its body, `finally` included: settle the
  // fill and close the source here for that case.
  const closeUnstarted = async () => {
    if (started) return;
    started = true;
    fill.abort();
    await iterator.return?.();
  };
  const stream: AsyncIterableIterator<T, TReturn, undefined> = {
    [Symbol.asyncIterator]: () => stream,
    next: () => {
      started = true;
      return tee.next();
    },
    return: async (value) => {
      await closeUnstarted();
      return tee.return(value as TReturn);
    },
    throw: async (error) => {
      await closeUnstarted();
      return tee.throw(error);
    },
  };
  return stream;
}

/** The buffering loop of {@link teeIntoFill}, over the source's iterator. */
async function* buffer<T, TReturn>(
  iterator: AsyncIterator<T, TReturn>,
  fill: Pick<StreamFill, 'commit' | 'abort'>,
  limits: StreamLimits,
): AsyncGenerator<T, TReturn, undefined> {
  let chunks: T[] | undefined = [];
  let bytes = 0;
  let done = false;
  try {
    while (true) {
      const step = await iterator.next();
      if (step.done === true) {
        done = true;
        if (chunks !== undefined) {
          const record: StreamRecord = { chunks, returnValue: step.value };
          chunks = undefined;
          // Awaited so the entry is visible once the client has seen the end of the stream.
          await fill.commit(record);
        } else {
          fill.abort();
        }
        return step.value;
      }
      if (chunks !== undefined) {
        bytes += approximateSize(step.value);
        chunks.push(step.value);
        if (chunks.length > limits.maxChunks || bytes > limits.maxBytes) {
          // Too big to keep: drop what was buffered now rather than holding it to the end.
          chunks = undefined;
          fill.abort();
        }
      }
      yield step.value;
    }
  } finally {
    if (!done) {
      fill.abort();
      // Stop the source too (closes the loader's generator: its `finally` blocks run).
      await iterator.return?.();
    }
  }
}

/**
 * Approximate size of a chunk: the length of its JSON text (bigints as decimal strings). Values
 * JSON cannot represent count by what JSON keeps; the store's own entry-size bound still applies.
 */
function approximateSize(value: unknown): number {
  try {
    const text = JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? item.toString() : item,
    );
    return text === undefined ? 0 : text.length;
  } catch {
    // A cyclic value cannot be measured; count it as over any limit so it is never buffered.
    return Number.POSITIVE_INFINITY;
  }
}
