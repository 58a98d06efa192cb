/**
 * Streamed queries (async generators over httpBatchStreamLink): teed on a miss, stored only on
 * clean completion, replayed chunk for chunk on a hit.
 */
import { createCache, memoryStore } from '@routecache/core';
import { drain } from '@routecache/core/testing';
import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  TRPCClientError,
} from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HTTP_ADAPTERS, startTrpcServer, type TrpcTestServer } from '../support/trpc-server.js';
import { type AppRouter, buildApp, type Counters, inputQuery, trackFills } from './fixtures.js';

describe.each(HTTP_ADAPTERS)('streamed queries (%s adapter)', (kind) => {
  let server: TrpcTestServer;
  let app: ReturnType<typeof buildApp>;
  let counters: Counters;
  /** Fills the middleware opened and has not yet committed or aborted. */
  let openFills: () => number;
  beforeEach(async () => {
    const tracked = trackFills(createCache({ store: memoryStore(), namespace: 'app' }));
    openFills = tracked.openFills;
    app = buildApp(tracked.cache);
    counters = app.counters;
    server = await startTrpcServer(kind, app.router);
  });
  afterEach(() => server.close());

  const client = () =>
    createTRPCClient<AppRouter>({ links: [httpBatchStreamLink({ url: server.url })] });

  it('caches a completed stream and replays the same chunks and return value', async () => {
    const first = await drain(await client().countdown.query({ from: 3 }));
    expect(first).toEqual({ chunks: [{ n: 3 }, { n: 2 }, { n: 1 }], returned: 'liftoff' });
    const second = await drain(await client().countdown.query({ from: 3 }));
    expect(second).toEqual(first);
    expect(counters.countdown).toBe(1);
    const other = await drain(await client().countdown.query({ from: 1 }));
    expect(other).toEqual({ chunks: [{ n: 1 }], returned: 'liftoff' });
    expect(counters.countdown).toBe(2);
    expect(openFills()).toBe(0);
  });

  it('does not store a stream the client aborted', async () => {
    const stored: string[] = [];
    app.cache.on('stored', ({ baseKey }) => stored.push(baseKey));
    const controller = new AbortController();
    const stream = await client().ticker.query(undefined, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(0);
    controller.abort();
    // The server closes the resolver's generator when the request goes away.
    await vi.waitFor(() => expect(counters['ticker.closed']).toBe(1), { timeout: 5000 });
    expect(stored).toEqual([]);
    expect(openFills()).toBe(0);

    const again = new AbortController();
    const next = await client().ticker.query(undefined, { signal: again.signal });
    expect((await next[Symbol.asyncIterator]().next()).value).toBe(0);
    again.abort();
    expect(counters.ticker).toBe(2);
    await vi.waitFor(() => expect(counters['ticker.closed']).toBe(2), { timeout: 5000 });
    expect(openFills()).toBe(0);
  });

  it('stores nothing from a stream that fails midway, and settles its fill', async () => {
    for (let call = 1; call <= 2; call++) {
      const stream = await client().brokenStream.query();
      await expect(drain(stream)).rejects.toThrow('stream broke');
      expect(counters.brokenStream).toBe(call);
    }
    expect(openFills()).toBe(0);
  });

  it('leaves no fill pending when a non-streaming link calls a streaming query', async () => {
    for (const link of [httpLink({ url: server.url }), httpBatchLink({ url: server.url })]) {
      const plain = createTRPCClient<AppRouter>({ links: [link] });
      const error = await plain.countdown.query({ from: 2 }).catch((cause: unknown) => cause);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    // tRPC refuses the stream without reading it, so the generator's body never started.
    expect(counters.countdown).toBeUndefined();
    expect(openFills()).toBe(0);
    // The key is not blocked: the streaming link still fills it, and the next call replays it.
    const expected = { chunks: [{ n: 2 }, { n: 1 }], returned: 'liftoff' };
    expect(await drain(await client().countdown.query({ from: 2 }))).toEqual(expected);
    expect(await drain(await client().countdown.query({ from: 2 }))).toEqual(expected);
    expect(counters.countdown).toBe(1);
    expect(openFills()).toBe(0);
  });

  it('gives a stored stream refused by a non-streaming request no cache status', async () => {
    const expected = { chunks: [{ n: 2 }, { n: 1 }], returned: 'liftoff' };
    expect(await drain(await client().countdown.query({ from: 2 }))).toEqual(expected);
    // The entry is stored: a replay is a hit. A plain (non-jsonl) GET makes tRPC refuse the
    // stream, so the call fails; were its HIT recorded, the error would carry X-Cache and the
    // stored entry's ETag (a 304 could then answer for a response that never succeeded).
    const url = `${server.url}/countdown?${inputQuery({ from: 2 })}`;
    const response = await fetch(url);
    expect(response.status).toBe(415);
    expect(response.headers.get('x-cache')).toBeNull();
    expect(response.headers.get('etag')).toBeNull();
    await response.text();
    expect(counters.countdown).toBe(1);
  });

  it('passes a stream over the buffer cap through whole but does not store it', async () => {
    const expected = { chunks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], returned: 'done' };
    expect(await drain(await client().bigStream.query())).toEqual(expected);
    expect(await drain(await client().bigStream.query())).toEqual(expected);
    expect(counters.bigStream).toBe(2);
    expect(openFills()).toBe(0);
  });

  it('does not store a stream whose resolver set a cookie', async () => {
    const expected = { chunks: [1], returned: 'done' };
    expect(await drain(await client().cookieStream.query())).toEqual(expected);
    expect(await drain(await client().cookieStream.query())).toEqual(expected);
    expect(counters.cookieStream).toBe(2);
    expect(openFills()).toBe(0);
  });

  it('sends no cache headers on a streamed (jsonl) response', async () => {
    const url = `${server.url}/countdown?batch=1&${inputQuery({ 0: { from: 2 } })}`;
    for (let call = 0; call < 2; call++) {
      const response = await fetch(url, { headers: { 'trpc-accept': 'application/jsonl' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBeNull();
      expect(response.headers.get('etag')).toBeNull();
      await response.text();
    }
    expect(counters.countdown).toBe(1);
  });
});
