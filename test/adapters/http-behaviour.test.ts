/**
 * The shared HTTP behaviour table: the same cases against every adapter (tRPC and oRPC, their
 * fetch and Node handlers), over real HTTP with each framework's real client, so a behaviour
 * cannot differ silently between them. Conditional requests re-request the URL the client used
 * with raw `fetch` (a client does not send If-None-Match itself).
 */
import { parseVaryHeader } from '@routecache/core/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS, type AppServer } from './apps.js';

describe.each(ADAPTERS)('shared HTTP behaviour: $name', (adapter) => {
  let app: AppServer;
  beforeEach(async () => {
    app = await adapter.start();
  });
  afterEach(() => app.close());

  const vary = (headers: Headers) => parseVaryHeader(headers.get('vary'));

  it('answers MISS then HIT with one ETag, one value and a no-cache policy', async () => {
    const miss = await app.call('post.get', { id: '1' });
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(miss.headers.get('cache-status')).toBe('routecache; fwd=miss; stored');
    expect(miss.headers.get('cache-control')).toBe('no-cache');
    const etag = miss.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(miss.value).toEqual({ id: '1', run: 1 });

    const hit = await app.call('post.get', { id: '1' });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('etag')).toBe(etag);
    expect(hit.value).toEqual(miss.value);
    expect(app.runs['post.get']).toBe(1);
    expect(vary(hit.headers)).toEqual(app.frameworkVary);

    const other = await app.call('post.get', { id: '2' });
    expect(other.headers.get('x-cache')).toBe('MISS');
    expect(other.headers.get('etag')).not.toBe(etag);
  });

  it.each([
    ['the exact tag', (etag: string) => etag],
    ['the weak form', (etag: string) => `W/${etag}`],
    ['a list holding it', (etag: string) => `"other", ${etag}`],
    ['*', () => '*'],
  ])('answers 304 with no body to If-None-Match: %s', async (_name, ifNoneMatch) => {
    const miss = await app.call('post.get', { id: '1' });
    const etag = miss.headers.get('etag') ?? '';
    const response = await fetch(miss.url, { headers: { 'if-none-match': ifNoneMatch(etag) } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
    expect(response.headers.get('etag')).toBe(etag);
    expect(response.headers.get('x-cache')).toBe('HIT');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-type')).toBeNull();
    expect(app.runs['post.get']).toBe(1);
  });

  it('answers a full 200 to a non-matching If-None-Match', async () => {
    const miss = await app.call('post.get', { id: '1' });
    const response = await fetch(miss.url, { headers: { 'if-none-match': '"stale"' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBe('HIT');
    expect(response.headers.get('etag')).toBe(miss.headers.get('etag'));
  });

  it('keys a vary route by the header and says so in Vary', async () => {
    const en = await app.call('greeting', undefined, { 'accept-language': 'en' });
    const fr = await app.call('greeting', undefined, { 'accept-language': 'fr' });
    expect(en.value).toMatchObject({ text: 'hello' });
    expect(fr.value).toMatchObject({ text: 'bonjour' });
    expect(fr.headers.get('x-cache')).toBe('MISS');
    expect(vary(fr.headers)).toEqual([...app.frameworkVary, 'accept-language']);
    const again = await app.call('greeting', undefined, { 'accept-language': 'fr' });
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.value).toEqual(fr.value);
    expect(app.runs.greeting).toBe(2);
  });

  it('keeps a route without scope private to each principal, and says private', async () => {
    const ada = await app.call('me', undefined, { 'x-user': 'ada' });
    const bob = await app.call('me', undefined, { 'x-user': 'bob' });
    expect(ada.value).toMatchObject({ user: 'ada' });
    expect(bob.value).toMatchObject({ user: 'bob' });
    expect(bob.headers.get('x-cache')).toBe('MISS');
    expect(ada.headers.get('cache-control')).toBe('private, no-cache');
    const adaAgain = await app.call('me', undefined, { 'x-user': 'ada' });
    expect(adaAgain.headers.get('x-cache')).toBe('HIT');
    expect(adaAgain.value).toEqual(ada.value);
    expect(app.runs.me).toBe(2);
  });

  it('never caches an error, nor sends cache headers with it', async () => {
    for (const run of [1, 2]) {
      const failed = await app.call('fails', undefined);
      expect(failed.error?.code).toBe('NOT_FOUND');
      expect(failed.status).toBe(404);
      expect(failed.headers.get('x-cache')).toBeNull();
      expect(failed.headers.get('etag')).toBeNull();
      expect(app.runs.fails).toBe(run);
    }
  });

  it('drops every variant of an entry on invalidation: the next call is a MISS', async () => {
    await app.call('post.get', { id: '1' });
    expect((await app.call('post.get', { id: '1' })).headers.get('x-cache')).toBe('HIT');
    expect(await app.invalidatePost('1')).toBe(1);
    const after = await app.call('post.get', { id: '1' });
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.value).toEqual({ id: '1', run: 2 });
    expect(await app.invalidatePost('1')).toBe(1);
    expect(await app.invalidatePost('3')).toBe(0);
  });

  it('runs the resolver once for concurrent misses of one key (stampede)', async () => {
    const calls = await Promise.all(Array.from({ length: 8 }, () => app.call('slow', undefined)));
    expect(app.runs.slow).toBe(1);
    for (const call of calls) expect(call.value).toEqual({ run: 1 });
    // Every caller joined the one fill (MISS) or, arriving after it (a loaded machine), read its
    // entry (HIT): one value under one ETag either way.
    const statuses = calls.map((call) => call.headers.get('x-cache'));
    expect(statuses).toContain('MISS');
    for (const status of statuses) expect(['MISS', 'HIT']).toContain(status);
    expect(new Set(calls.map((call) => call.headers.get('etag'))).size).toBe(1);
    expect((await app.call('slow', undefined)).headers.get('x-cache')).toBe('HIT');
  });
});
