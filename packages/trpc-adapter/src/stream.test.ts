import type { PendingFill, StreamRecord } from '@routecache/core';
import { describe, expect, it } from 'vitest';
import { drain } from './__fixtures__/drain.js';
import { isAsyncIterable, replayStream, teeIntoFill } from './stream.js';

/** A PendingFill that remembers what happened to it. */
function recordingFill() {
  const events: string[] = [];
  let committed: unknown;
  const fill: PendingFill = {
    commit: async (value, kind) => {
      events.push(`commit:${kind}`);
      committed = value;
      return { stored: true, etag: '"x"' };
    },
    abort: () => {
      events.push('abort');
    },
  };
  return { fill, events, committed: () => committed };
}

async function* numbers(count: number, log: string[] = []) {
  try {
    for (let n = 0; n < count; n++) yield n;
    return 'end';
  } finally {
    log.push('closed');
  }
}

const limits = { maxChunks: 100, maxBytes: 10_000 };

describe('teeIntoFill', () => {
  it('passes every chunk and the return value through, then commits the record', async () => {
    const { fill, events, committed } = recordingFill();
    expect(await drain(teeIntoFill(numbers(3), fill, limits))).toEqual({
      chunks: [0, 1, 2],
      returned: 'end',
    });
    expect(events).toEqual(['commit:stream']);
    expect(committed()).toEqual({ chunks: [0, 1, 2], returnValue: 'end' });
  });

  it('stores nothing when the source fails', async () => {
    const { fill, events } = recordingFill();
    async function* failing() {
      yield 1;
      throw new Error('boom');
    }
    await expect(drain(teeIntoFill(failing(), fill, limits))).rejects.toThrow('boom');
    expect(events).toEqual(['abort']);
  });

  it('stores nothing and closes the source when the consumer stops early', async () => {
    const { fill, events } = recordingFill();
    const log: string[] = [];
    for await (const chunk of teeIntoFill(numbers(10, log), fill, limits)) {
      if (chunk === 1) break;
    }
    expect(events).toEqual(['abort']);
    expect(log).toEqual(['closed']);
  });

  it.each([
    ['return()', (stream: AsyncIterator<unknown>) => stream.return?.()],
    [
      'throw()',
      (stream: AsyncIterator<unknown>) => stream.throw?.(new Error('stop')).catch(() => {}),
    ],
  ])(
    'aborts the fill and closes the source on %s before the first next()',
    async (_name, close) => {
      const { fill, events } = recordingFill();
      const log: string[] = [];
      const source = numbers(10, log);
      await source.next(); // started, so closing it runs its `finally`
      const stream = teeIntoFill(source, fill, limits);
      await close(stream);
      expect(events).toEqual(['abort']);
      expect(log).toEqual(['closed']);
      expect(await stream.next()).toEqual({ done: true, value: undefined });
    },
  );

  it.each([
    ['chunks', { maxChunks: 3, maxBytes: 10_000 }],
    ['bytes', { maxChunks: 100, maxBytes: 4 }],
  ])('stops buffering past the %s cap but passes the whole stream', async (_cap, capped) => {
    const { fill, events } = recordingFill();
    expect(await drain(teeIntoFill(numbers(10), fill, capped))).toEqual({
      chunks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      returned: 'end',
    });
    expect(events[0]).toBe('abort');
    expect(events).not.toContain('commit:stream');
  });

  it('never buffers a chunk it cannot measure', async () => {
    const { fill, events } = recordingFill();
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    async function* one() {
      yield cyclic;
    }
    expect((await drain(teeIntoFill(one(), fill, limits))).chunks).toEqual([cyclic]);
    expect(events).not.toContain('commit:stream');
  });
});

describe('replayStream', () => {
  it('yields the recorded chunks and returns the recorded value', async () => {
    const record: StreamRecord = { chunks: [{ n: 1 }, { n: 2 }], returnValue: 'done' };
    expect(await drain(replayStream(record))).toEqual({
      chunks: [{ n: 1 }, { n: 2 }],
      returned: 'done',
    });
    // Each replay is independent.
    expect((await drain(replayStream(record))).chunks).toHaveLength(2);
  });
});

describe('stream shape checks', () => {
  it('recognizes async iterables', () => {
    expect(isAsyncIterable(numbers(1))).toBe(true);
    expect(isAsyncIterable([1, 2])).toBe(false);
    expect(isAsyncIterable(null)).toBe(false);
  });
});
