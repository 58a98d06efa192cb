import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';
import type { StreamRecord } from '../stores/types.js';
import { drain } from '../testing/drain.js';
import { deferred, record } from './__fixtures__/cache-helpers.js';
import { createCache } from './create-cache.js';
import { isAsyncIterable, replayStream, teeIntoFill } from './streams.js';

/** A fill that remembers what happened to it. */
function recordingFill() {
  const events: string[] = [];
  let committed: unknown;
  const fill = {
    commit: async (value: StreamRecord) => {
      events.push('commit');
      committed = value;
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
    expect(events).toEqual(['commit']);
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
    expect(events).not.toContain('commit');
  });

  it('never buffers a chunk it cannot measure', async () => {
    const { fill, events } = recordingFill();
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    async function* one() {
      yield cyclic;
    }
    expect((await drain(teeIntoFill(one(), fill, limits))).chunks).toEqual([cyclic]);
    expect(events).not.toContain('commit');
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

const limits10 = { maxChunks: 10, maxBytes: 10_000 };

/** A loader whose streams count their runs and yield `chunks` of the current `version`. */
function streamSource(chunks = 2) {
  const state = { loads: 0, version: 1, closed: 0 };
  const load = async () => {
    state.loads++;
    const { version } = state;
    return (async function* () {
      try {
        for (let n = 0; n < chunks; n++) yield { version, n };
        return version;
      } finally {
        state.closed++;
      }
    })();
  };
  return { state, load };
}

const chunksOf = (version: number, count = 2) => ({
  chunks: Array.from({ length: count }, (_, n) => ({ version, n })),
  returned: version,
});

describe('getOrLoad with a loader that returns a stream', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fills the entry as the stream is read, then replays it on every hit', async () => {
    const cache = createCache();
    const stored = record(cache, 'stored');
    const { state, load } = streamSource();
    const request = { baseKey: 'k', stream: limits10, load };
    const miss = await cache.getOrLoad(request);
    expect(miss).toMatchObject({ status: 'MISS', kind: 'stream', etag: undefined, maxAge: 0 });
    expect(await drain(miss.value)).toEqual(chunksOf(1));
    expect(stored).toHaveLength(1);
    for (let call = 0; call < 2; call++) {
      const hit = await cache.getOrLoad(request);
      expect(hit).toMatchObject({
        status: 'HIT',
        kind: 'stream',
        etag: expect.stringMatching(/^"/),
      });
      expect(await drain(hit.value)).toEqual(chunksOf(1));
    }
    expect(state.loads).toBe(1);
  });

  it('serves a plain value shaped like a stream record as that value', async () => {
    const cache = createCache();
    const load = () => Promise.resolve({ chunks: [], returnValue: 1 });
    const miss = await cache.getOrLoad({ baseKey: 'plain', stream: limits10, load });
    expect(miss).toMatchObject({ status: 'MISS', kind: 'value' });
    const hit = await cache.getOrLoad({ baseKey: 'plain', stream: limits10, load });
    expect(hit).toMatchObject({ status: 'HIT', kind: 'value', value: miss.value });
  });

  it('keeps out a stream whose loader read its data before an invalidation', async () => {
    const cache = createCache();
    const { state, load } = streamSource();
    const paused = deferred<void>();
    const first = cache.getOrLoad({
      baseKey: 'k',
      tags: ['t'],
      stream: limits10,
      load: async () => {
        const stream = await load();
        await paused.promise;
        return stream;
      },
    });
    await vi.waitFor(() => expect(state.loads).toBe(1));
    await cache.invalidateTags(['t']);
    state.version = 2;
    paused.resolve();
    expect(await drain((await first).value)).toEqual(chunksOf(1));
    const next = await cache.getOrLoad({ baseKey: 'k', stream: limits10, load });
    expect(next.status).toBe('MISS');
    expect(await drain(next.value)).toEqual(chunksOf(2));
    expect(state.loads).toBe(2);
  });

  it('stores nothing from a stream that fails, stops early, or may not be stored', async () => {
    const cache = createCache();
    const skipped = record(cache, 'skipped');
    async function* failing() {
      yield 1;
      throw new Error('boom');
    }
    const broken = await cache.getOrLoad({
      baseKey: 'f',
      stream: limits10,
      load: async () => failing(),
    });
    await expect(drain(broken.value)).rejects.toThrow('boom');

    const { state, load } = streamSource(5);
    const early = await cache.getOrLoad({ baseKey: 'e', stream: limits10, load });
    for await (const _chunk of early.value) break;
    expect(state.closed).toBe(1);

    // Refused before it is read (a transport that will not read it), or no bounds given: the
    // loader's own stream comes back untouched.
    const raw = failing();
    const refused = await cache.getOrLoad({
      baseKey: 'r',
      stream: limits10,
      cacheable: (_value, kind) => kind !== 'stream',
      load: async () => raw,
    });
    expect(refused).toMatchObject({ status: 'MISS', kind: 'stream', value: raw });
    const unbounded = await cache.getOrLoad({ baseKey: 'u', load: async () => raw });
    expect(unbounded.value).toBe(raw);

    expect(skipped.map(({ payload }) => [payload.baseKey, payload.reason])).toEqual([
      ['f', 'aborted'],
      ['e', 'aborted'],
      ['r', 'uncacheable'],
      ['u', 'uncacheable'],
    ]);
    for (const baseKey of ['f', 'e', 'r', 'u']) {
      const again = await cache.getOrLoad({ baseKey, stream: limits10, load });
      expect(again.status).toBe('MISS');
      await drain(again.value);
    }
  });

  it('gives a caller that joined a stream fill its own load (a stream has one reader)', async () => {
    const cache = createCache();
    const coalesced = record(cache, 'coalesced');
    const { state, load } = streamSource();
    const request = { baseKey: 'k', stream: limits10, load };
    const [owner, joiner] = await Promise.all([cache.getOrLoad(request), cache.getOrLoad(request)]);
    expect(coalesced).toHaveLength(1);
    expect(state.loads).toBe(2);
    expect(joiner.value).not.toBe(owner.value);
    expect(await Promise.all([drain(owner.value), drain(joiner.value)])).toEqual([
      chunksOf(1),
      chunksOf(1),
    ]);
    expect((await cache.getOrLoad(request)).status).toBe('HIT');
    expect(state.loads).toBe(2);
  });

  it('refreshes a stale stream once, in the background, reading it to its end', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = createCache({ ttl: 1, staleWhileRevalidate: 60 });
    const { state, load } = streamSource();
    const held = deferred<void>();
    let hold: Promise<void> | undefined;
    const request = {
      baseKey: 'k',
      stream: limits10,
      load: async () => {
        const stream = await load();
        await hold;
        return stream;
      },
    };
    await drain((await cache.getOrLoad(request)).value);
    vi.setSystemTime(Date.now() + 2_000);
    state.version = 2;
    hold = held.promise;
    for (let call = 0; call < 5; call++) {
      const stale = await cache.getOrLoad(request);
      expect(stale).toMatchObject({ status: 'STALE', kind: 'stream' });
      expect(await drain(stale.value)).toEqual(chunksOf(1));
    }
    expect(state.loads).toBe(2);
    held.resolve();
    await vi.waitFor(async () => expect((await cache.getOrLoad(request)).status).toBe('HIT'));
    const fresh = await cache.getOrLoad(request);
    expect(await drain(fresh.value)).toEqual(chunksOf(2));
    expect(state).toMatchObject({ loads: 2, closed: 2 });
  });

  it('stops a background refresh at the bounds, closing the stream, and stores nothing', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = createCache({ ttl: 1, staleWhileRevalidate: 60 });
    const skipped = record(cache, 'skipped');
    let long = false;
    const source = streamSource(3);
    const endless = streamSource(1_000_000);
    const request = {
      baseKey: 'k',
      stream: { maxChunks: 3, maxBytes: 10_000 },
      load: () => (long ? endless.load() : source.load()),
    };
    await drain((await cache.getOrLoad(request)).value);
    vi.setSystemTime(Date.now() + 2_000);
    long = true;
    expect((await cache.getOrLoad(request)).status).toBe('STALE');
    await vi.waitFor(() => expect(endless.state.closed).toBe(1));
    expect(skipped.map(({ payload }) => payload.reason)).toEqual(['aborted']);
    expect((await cache.getOrLoad(request)).status).toBe('STALE');
  });

  it('holds a cross-instance lease until the stream has been read', async () => {
    const release = vi.fn(async () => {});
    const store = Object.assign(memoryStore(), {
      acquireLease: async () => ({ acquired: true as const, release }),
    });
    const cache = createCache({ store });
    const { load } = streamSource();
    const miss = await cache.getOrLoad({ baseKey: 'k', stream: limits10, load });
    expect(release).not.toHaveBeenCalled();
    await drain(miss.value);
    await vi.waitFor(() => expect(release).toHaveBeenCalledTimes(1));
  });

  it('aborts the fill of a stream dropped unread once it is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const release = vi.fn(async () => {});
    const store = Object.assign(memoryStore(), {
      acquireLease: async () => ({ acquired: true as const, release }),
    });
    const cache = createCache({ store });
    const skipped = record(cache, 'skipped');
    const { load } = streamSource();
    // In its own frame, so nothing here keeps the stream alive.
    const dropUnread = async () => {
      await cache.getOrLoad({ baseKey: 'k', stream: limits10, load });
    };
    await dropUnread();
    expect(release).not.toHaveBeenCalled();
    await vi.waitFor(
      async () => {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
        expect(release).toHaveBeenCalledTimes(1);
      },
      { timeout: 4_000, interval: 20 },
    );
    expect(skipped.map(({ payload }) => payload.reason)).toEqual(['aborted']);
  });
});
