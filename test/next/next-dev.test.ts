/**
 * examples/next under `next dev` (Turbopack, compiling on first request): the same cache headers
 * as under `next start` — MISS then HIT, ETag, 304, Cache-Control untouched, the 304's Vary equal
 * to the 200's — and the server component's caller shares the route handler's cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NextServer, startNext } from '../support/next-app.js';
import { read, reads, userUrl } from './http.js';

let next: NextServer;
beforeAll(async () => {
  next = await startNext('dev');
});
afterAll(() => next?.stop());

describe('next dev', () => {
  it('answers MISS then HIT, 304 on If-None-Match, with the Cache-Control and Vary of the 200', async () => {
    const url = userUrl(next.origin, 3);
    const miss = await read(url, { 'accept-encoding': 'gzip' });
    expect(miss).toMatchObject({ status: 200, xCache: 'MISS', cacheControl: 'no-cache' });
    expect(miss.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(miss.vary).toEqual(expect.arrayContaining(['accept-encoding', 'rsc', 'trpc-accept']));
    expect(await read(url, { 'accept-encoding': 'gzip' })).toEqual({ ...miss, xCache: 'HIT' });

    const notModified = await read(url, {
      'accept-encoding': 'gzip',
      'if-none-match': miss.etag ?? '',
    });
    expect(notModified).toMatchObject({ status: 304, xCache: 'HIT', etag: miss.etag, body: '' });
    expect(notModified.cacheControl).toBe('no-cache');
    expect(notModified.vary).toEqual(miss.vary);
    expect((await reads(next.origin))['3']).toBe(1);
  });

  it('serves the server component and the route handler from one cache', async () => {
    const page = async () => (await fetch(`${next.origin}/`)).text();
    expect(await page()).toMatch(/<p id="server-user">Ada Lovelace<\/p>/);
    expect(await page()).toMatch(/<p id="server-user">Ada Lovelace<\/p>/);
    expect((await read(userUrl(next.origin, 1))).xCache).toBe('HIT');
    expect((await reads(next.origin))['1']).toBe(1);
  });
});
