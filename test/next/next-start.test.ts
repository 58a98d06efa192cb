/**
 * examples/next under `next start` (the production server, built once by the global setup):
 * the tRPC route handler's cache headers reach a raw `fetch` client as routecache wrote them,
 * a 304 repeats its 200's `Vary`, and the server component's read through the server-side
 * caller shares the route handler's cache (one resolver run for both).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type NextServer, startNext } from '../support/next-app.js';
import { read, reads, userUrl } from './http.js';

/** What Next.js adds to every app route's Vary (base-server's setVaryHeader). */
const NEXT_VARY = [
  'next-router-prefetch',
  'next-router-segment-prefetch',
  'next-router-state-tree',
  'rsc',
];
/** tRPC's own Vary, and the handler's `vary: ['accept-encoding']` for Next's compression. */
const HANDLER_VARY = ['accept', 'accept-encoding', 'trpc-accept'];

let next: NextServer;
beforeAll(async () => {
  console.log(`next build took ${inject('nextBuildSeconds').next.toFixed(1)} s`);
  next = await startNext('start');
});
afterAll(() => next?.stop());

describe('next start: the tRPC route handler', () => {
  it('answers MISS then HIT with one ETag, and 304 on If-None-Match', async () => {
    const url = userUrl(next.origin, 3);
    const miss = await read(url);
    expect(miss).toMatchObject({ status: 200, xCache: 'MISS' });
    expect(JSON.parse(miss.body)).toEqual({ result: { data: { id: 3, name: 'Edsger Dijkstra' } } });
    expect(miss.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

    const hit = await read(url);
    expect(hit).toEqual({ ...miss, xCache: 'HIT' });

    const notModified = await read(url, { 'if-none-match': miss.etag ?? '' });
    expect(notModified).toMatchObject({ status: 304, xCache: 'HIT', etag: miss.etag, body: '' });
    expect((await reads(next.origin))['3']).toBe(1);
  });

  it("passes routecache's Cache-Control through untouched: no-cache by default", async () => {
    const url = userUrl(next.origin, 2);
    expect((await read(url)).cacheControl).toBe('no-cache');
    const etag = (await read(url)).etag ?? '';
    expect((await read(url, { 'if-none-match': etag })).cacheControl).toBe('no-cache');
  });

  it('passes the CDN directives of a route with maxAge / sMaxAge through untouched', async () => {
    const url = `${next.origin}/api/trpc/users.count`;
    const first = await read(url);
    expect(first).toMatchObject({ status: 200, body: '{"result":{"data":3}}' });
    // routecache never writes `public`: s-maxage already admits shared caches (RFC 9111 §3.5).
    expect(first.cacheControl).toBe('max-age=10, s-maxage=60, stale-while-revalidate=30');
    const notModified = await read(url, { 'if-none-match': first.etag ?? '' });
    expect(notModified.status).toBe(304);
    // A hit's s-maxage is what is left of the entry's freshness: 60 s or a little less.
    const sMaxAge = /^max-age=10, s-maxage=(\d+), stale-while-revalidate=30$/.exec(
      notModified.cacheControl ?? '',
    );
    expect(sMaxAge, `304 Cache-Control: ${notModified.cacheControl}`).not.toBeNull();
    expect(Number(sMaxAge?.[1])).toBeLessThanOrEqual(60);
    expect(Number(sMaxAge?.[1])).toBeGreaterThan(30);
  });

  it("repeats the 200's Vary on the 304 (RFC 9110 §15.4.5), Next's entries and the handler's", async () => {
    const url = userUrl(next.origin, 3);
    const ok = await read(url, { 'accept-encoding': 'gzip' });
    expect(ok.vary).toEqual([...NEXT_VARY, ...HANDLER_VARY].sort());
    const notModified = await read(url, {
      'accept-encoding': 'gzip',
      'if-none-match': ok.etag ?? '',
    });
    expect(notModified.status).toBe(304);
    expect(notModified.vary).toEqual(ok.vary);
  });
});

describe('next start: the server component', () => {
  it("reads through the caller: a MISS on the first render, a HIT on the second, the handler's HIT after", async () => {
    const before = (await reads(next.origin))['1'] ?? 0;
    expect(before).toBe(0);
    const first = await (await fetch(`${next.origin}/`)).text();
    expect(first).toMatch(/<p id="server-user">Ada Lovelace<\/p>/);
    expect((await reads(next.origin))['1']).toBe(1);

    const second = await (await fetch(`${next.origin}/`)).text();
    expect(second).toMatch(/<p id="server-user">Ada Lovelace<\/p>/);
    expect((await reads(next.origin))['1']).toBe(1);

    // The route handler's bundle reaches the entry the page's bundle filled: one cache per process.
    expect((await read(userUrl(next.origin, 1))).xCache).toBe('HIT');
    expect((await reads(next.origin))['1']).toBe(1);
  });
});
