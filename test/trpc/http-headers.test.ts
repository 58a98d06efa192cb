/**
 * HTTP semantics of the cache glue over real HTTP, on both adapter families: X-Cache, ETag, 304,
 * Vary, Cache-Control, batches — asserted on raw `fetch` responses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_ADAPTERS, startTrpcServer, type TrpcTestServer } from '../support/trpc-server.js';
import { batchUrl, buildApp, type Counters, inputQuery } from './fixtures.js';

describe.each(HTTP_ADAPTERS)('HTTP cache headers (%s adapter)', (kind) => {
  let server: TrpcTestServer;
  let counters: Counters;
  beforeEach(async () => {
    const app = buildApp();
    counters = app.counters;
    server = await startTrpcServer(kind, app.router);
  });
  afterEach(() => server.close());

  const postUrl = (id: string) => `${server.url}/post.get?${inputQuery({ id })}`;

  it('answers MISS then HIT with the same ETag, body and a no-cache policy', async () => {
    const first = await fetch(postUrl('1'));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('vary')).toBe('trpc-accept, accept');
    const firstBody = await first.json();
    expect(firstBody).toEqual({ result: { data: { id: '1', run: 1 } } });

    const second = await fetch(postUrl('1'));
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('cache-control')).toBe('no-cache');
    expect(second.headers.get('vary')).toBe('trpc-accept, accept');
    expect(await second.json()).toEqual(firstBody);
    expect(counters['post.get']).toBe(1);
  });

  it('sends no cache headers for a procedure without the cache middleware', async () => {
    const response = await fetch(`${server.url}/uncached`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBeNull();
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('cache-control')).toBeNull();
  });

  it.each([
    ['the exact tag', (etag: string) => etag],
    ['the weak form', (etag: string) => `W/${etag}`],
    ['a list holding it', (etag: string) => `"other", ${etag}, W/"x"`],
    ['*', () => '*'],
  ])('answers 304 with an empty body to If-None-Match: %s', async (_name, ifNoneMatch) => {
    const etag = (await fetch(postUrl('1'))).headers.get('etag') ?? '';
    const response = await fetch(postUrl('1'), {
      headers: { 'if-none-match': ifNoneMatch(etag) },
    });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
    expect(response.headers.get('etag')).toBe(etag);
    expect(response.headers.get('x-cache')).toBe('HIT');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('vary')).toBe('trpc-accept, accept');
    expect(response.headers.get('content-type')).toBeNull();
    expect(counters['post.get']).toBe(1);
  });

  it('answers a full 200 HIT to a non-matching If-None-Match, and after a 304', async () => {
    const miss = await fetch(postUrl('1'));
    const etag = miss.headers.get('etag') ?? '';
    const body = await miss.text();

    const notModified = await fetch(postUrl('1'), { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);

    for (const ifNoneMatch of ['"stale"', undefined]) {
      const response = await fetch(postUrl('1'), {
        headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('HIT');
      expect(response.headers.get('etag')).toBe(etag);
      expect(response.headers.get('content-type')).toBe('application/json');
      const text = await response.text();
      expect(text).toBe(body);
      // node-http streams JSON bodies chunked; a fetch host sends the length it buffered.
      if (kind === 'fetch') {
        expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      } else {
        expect(response.headers.get('content-length')).toBeNull();
        expect(response.headers.get('transfer-encoding')).toBe('chunked');
      }
    }
    expect(counters['post.get']).toBe(1);
  });

  it('never answers 304 to a request an auth middleware before the cache rejects', async () => {
    const warm = await fetch(`${server.url}/secret`, { headers: { 'x-user': 'alice' } });
    const etag = warm.headers.get('etag') ?? '';
    expect(warm.headers.get('x-cache')).toBe('MISS');

    const anonymous = await fetch(`${server.url}/secret`, { headers: { 'if-none-match': etag } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-cache')).toBeNull();
    expect(anonymous.headers.get('etag')).toBeNull();
    expect(await anonymous.text()).not.toContain('42');

    const again = await fetch(`${server.url}/secret`, {
      headers: { 'x-user': 'bob', 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(counters.secret).toBe(1);
  });

  it('folds a batch: statuses in order, a combined ETag, the strictest Cache-Control', async () => {
    await fetch(postUrl('1'));
    const url = batchUrl(server.url, [
      ['post.get', { id: '1' }],
      ['post.get', { id: '2' }],
    ]);
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('HIT, MISS');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(etag).not.toBe((await fetch(postUrl('1'))).headers.get('etag'));
    expect(first.headers.get('cache-control')).toBe('no-cache');

    const second = await fetch(url);
    expect(second.headers.get('x-cache')).toBe('HIT, HIT');
    expect(second.headers.get('etag')).toBe(etag);
    const notModified = await fetch(url, { headers: { 'if-none-match': etag ?? '' } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('x-cache')).toBe('HIT, HIT');
  });

  it('gives a batch with an uncached call no ETag and no-store', async () => {
    const url = batchUrl(server.url, [['post.get', { id: '1' }], ['uncached']]);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBe('MISS, BYPASS');
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('gives a batch no ETag and no-store when a cached call was not stored or failed', async () => {
    await fetch(postUrl('1'));
    for (const [path, status] of [
      ['setsCookie', 'HIT, BYPASS'],
      ['fails', 'HIT, BYPASS'],
    ] as const) {
      const url = batchUrl(server.url, [['post.get', { id: '1' }], [path]]);
      const response = await fetch(url, { headers: { 'if-none-match': '*' } });
      expect(response.status).toBe(path === 'fails' ? 207 : 200);
      expect(response.headers.get('x-cache')).toBe(status);
      expect(response.headers.get('etag')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('takes the smallest lifetimes over a batch', async () => {
    const url = batchUrl(server.url, [['forCdn'], ['forCdnShort']]);
    for (const status of ['MISS, MISS', 'HIT, HIT']) {
      const response = await fetch(url);
      expect(response.headers.get('x-cache')).toBe(status);
      expect(response.headers.get('cache-control')).toBe(
        'max-age=5, s-maxage=20, stale-while-revalidate=8',
      );
    }
  });

  it('marks a private route private, and a batch holding one private', async () => {
    const me = await fetch(`${server.url}/me`, { headers: { 'x-user': 'alice' } });
    expect(me.headers.get('cache-control')).toBe('private, no-cache');
    const url = batchUrl(server.url, [['post.get', { id: '1' }], ['me']]);
    const batch = await fetch(url, { headers: { 'x-user': 'alice' } });
    expect(batch.headers.get('x-cache')).toBe('MISS, HIT');
    expect(batch.headers.get('cache-control')).toBe('private, no-cache');
  });

  it('emits the opt-in max-age / s-maxage / stale-while-revalidate directives', async () => {
    for (const status of ['MISS', 'HIT']) {
      const response = await fetch(`${server.url}/forCdn`);
      expect(response.headers.get('x-cache')).toBe(status);
      expect(response.headers.get('cache-control')).toBe(
        'max-age=10, s-maxage=20, stale-while-revalidate=15',
      );
    }
    // In a batch with a revalidate-always call, the stricter policy wins.
    const batch = await fetch(batchUrl(server.url, [['forCdn'], ['post.get', { id: '1' }]]));
    expect(batch.headers.get('cache-control')).toBe('no-cache');
  });

  it('keeps one entry per vary value and merges the Vary header', async () => {
    const greet = (lang: string) =>
      fetch(`${server.url}/greeting`, { headers: { 'accept-language': lang } });
    const fr = await greet('fr');
    expect(fr.headers.get('x-cache')).toBe('MISS');
    expect(fr.headers.get('vary')).toBe('trpc-accept, accept, accept-language');
    expect(await fr.json()).toEqual({ result: { data: { lang: 'fr', run: 1 } } });
    const de = await greet('de');
    expect(de.headers.get('x-cache')).toBe('MISS');
    expect(await de.json()).toEqual({ result: { data: { lang: 'de', run: 2 } } });
    const frAgain = await greet('fr');
    expect(frAgain.headers.get('x-cache')).toBe('HIT');
    expect(frAgain.headers.get('vary')).toBe('trpc-accept, accept, accept-language');
    expect(await frAgain.json()).toEqual({ result: { data: { lang: 'fr', run: 1 } } });
    expect(counters.greeting).toBe(2);
  });

  it('does not store a response that says Vary: * or sets a cookie', async () => {
    for (const path of ['varyStar', 'setsCookie']) {
      for (let call = 1; call <= 2; call++) {
        const response = await fetch(`${server.url}/${path}`);
        expect(response.headers.get('x-cache')).toBe('BYPASS');
        expect(response.headers.get('etag')).toBeNull();
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await response.json()).toEqual({ result: { data: { run: call } } });
      }
    }
    // tRPC's own `Vary` never replaces the `*` a resolver set (node-http: res.setHeader).
    expect((await fetch(`${server.url}/varyStar`)).headers.get('vary')).toBe('*');
  });

  it("keeps a Vary a resolver set, merged with tRPC's own", async () => {
    const response = await fetch(`${server.url}/setsVary`);
    expect(response.headers.get('x-cache')).toBe('MISS');
    // Both adapters keep every name; the order is the order they were set in.
    expect(response.headers.get('vary')).toBe(
      kind === 'fetch' ? 'trpc-accept, accept, x-tenant' : 'x-tenant, trpc-accept, accept',
    );
  });

  it('never stores, tags or answers 304 to an error', async () => {
    for (let call = 1; call <= 2; call++) {
      const failed = await fetch(`${server.url}/fails`, { headers: { 'if-none-match': '*' } });
      expect(failed.status).toBe(404);
      // A failed call has no cache status: the glue adds no header.
      expect(failed.headers.get('x-cache')).toBeNull();
      expect(failed.headers.get('etag')).toBeNull();
      expect(failed.headers.get('cache-control')).toBeNull();
      expect(counters.fails).toBe(call);
    }
  });
});
