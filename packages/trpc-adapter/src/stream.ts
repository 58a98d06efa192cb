import type { PendingFill, StreamRecord } from '@routecache/core';

/**
 * Buffering bounds of {@link teeIntoFill}.
 *
 * @internal
 * @example
 * ```ts
 * const limits: StreamBufferLimits = { maxChunks: 10_000, maxBytes: 1 << 20 };
 * ```
 */
export interface StreamBufferLimits {
  readonly maxChunks: number;
  readonly maxBytes: number;
}

/**
 * Whether a resolver's result is a stream (an async iterable, e.g. an async generator).
 *
 * @internal
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
 * Pass a stream through to the client chunk by chunk while buffering it for the cache. The
 * buffered record is committed to `fill` only when the source completes cleanly; an error, an
 * abort (the consumer stops early: client disconnect, cancelled request) or exceeding `limits`
 * stores nothing. Past the limits the stream keeps flowing, it is just no longer buffered.
 *
 * The fill is settled on every path: commit at the end; abort on an error, on the cap, and on
 * `return()`/`throw()` — even before the first `next()`. A stream dropped unread drops its fill,
 * which the engine stops counting as pending once it is garbage-collected.
 *
 * @internal
 * @example
 * ```ts
 * const found = await cache.lookup({ baseKey });
 * if (!found.hit) return teeIntoFill(resolverStream, found.fill, { maxChunks: 10_000, maxBytes: 1 << 20 });
 * ```
 */
export function teeIntoFill<T, TReturn>(
  source: AsyncIterable<T, TReturn>,
  fill: PendingFill,
  limits: StreamBufferLimits,
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
  fill: PendingFill,
  limits: StreamBufferLimits,
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
          await fill.commit(record, 'stream');
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
      // Stop the source too (closes the resolver's generator: its `finally` blocks run).
      await iterator.return?.();
    }
  }
}

/**
 * Replay a cached stream: the same chunks in order, then the same return value.
 *
 * @internal
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
