import { describe, expect, it } from 'vitest';
import { callRecord } from './__fixtures__/call-record.js';
import { withHttpCache } from './fetch.js';
import { requestStateFor } from './request-state.js';

const hit = callRecord({ etag: '"abc"' });

/** A stand-in for fetchRequestHandler whose one call the cache middleware recorded (or not). */
async function trpcLike(req: Request, status: number, recorded: boolean): Promise<Response> {
  if (recorded) {
    const state = requestStateFor(req);
    // What tRPC's context step does for a jsonl request.
    state.streamed = req.headers.get('trpc-accept') === 'application/jsonl';
    state.record(0, hit);
  }
  return new Response('{"result":{"data":1}}', {
    status,
    headers: { 'content-type': 'application/json', vary: 'trpc-accept, accept' },
  });
}
const wrapped = withHttpCache(trpcLike);
const handler = (req: Request, status = 200, recorded = true) => wrapped(req, status, recorded);

const get = (headers: Record<string, string> = {}, method = 'GET') =>
  new Request('http://localhost/trpc/post', { method, headers });

describe('withHttpCache', () => {
  it('adds the cache headers to a recorded response', async () => {
    const response = await handler(get());
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toEqual({
      'cache-control': 'no-cache',
      'cache-status': 'routecache; hit; ttl=30',
      'content-type': 'application/json',
      etag: '"abc"',
      'routecache-tags': '1;[["post.get",[]]]',
      vary: 'trpc-accept, accept',
      'x-cache': 'HIT',
    });
    expect(await response.text()).toBe('{"result":{"data":1}}');
  });

  it('answers a matching GET with 304, an empty body and only the retained headers', async () => {
    const response = await handler(get({ 'if-none-match': 'W/"abc"' }));
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
    // Routecache-Tags stays: it guides the client's tag index, the same as the 200 it stands for.
    expect(Object.fromEntries(response.headers)).toEqual({
      'cache-control': 'no-cache',
      'cache-status': 'routecache; hit; ttl=30',
      etag: '"abc"',
      'routecache-tags': '1;[["post.get",[]]]',
      vary: 'trpc-accept, accept',
      'x-cache': 'HIT',
    });
  });

  it('validates its options', () => {
    expect(() => withHttpCache(trpcLike, { cdn: 'akamai' as never })).toThrow(
      /Invalid option "cdn": must be 'fastly', 'cloudflare' or 'varnish', got "akamai"/,
    );
    expect(() => withHttpCache(trpcLike, { cnd: 'varnish' } as never)).toThrow(
      /"cnd": unknown option, did you mean "cdn"/,
    );
  });

  it('never answers 304 to a POST or an error response', async () => {
    expect((await handler(get({ 'if-none-match': '"abc"' }, 'POST'))).status).toBe(200);
    expect((await handler(get({ 'if-none-match': '"abc"' }), 500)).status).toBe(500);
  });

  it('leaves responses alone when no call was cached, or when streamed', async () => {
    const uncached = await handler(get({ 'if-none-match': '*' }), 200, false);
    expect(uncached.status).toBe(200);
    expect(uncached.headers.get('x-cache')).toBeNull();
    const streamed = await handler(get({ 'trpc-accept': 'application/jsonl' }));
    expect(streamed.headers.get('x-cache')).toBeNull();
    expect(streamed.headers.get('etag')).toBeNull();
  });

  it('adds the vary option to the 200 and to its 304 alike', async () => {
    const compressed = withHttpCache(trpcLike, { vary: ['Accept-Encoding'] });
    const ok = await compressed(get(), 200, true);
    expect(ok.headers.get('vary')).toBe('trpc-accept, accept, accept-encoding');
    const notModified = await compressed(get({ 'if-none-match': '"abc"' }), 200, true);
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('vary')).toBe('trpc-accept, accept, accept-encoding');
    const uncached = await compressed(get(), 200, false);
    expect(uncached.headers.get('vary')).toBe('trpc-accept, accept');
  });

  it('refuses a bad vary option or an unknown option at wrap time', () => {
    expect(() => withHttpCache(trpcLike, { vary: ['*'] })).toThrow(/Vary: \* makes/);
    expect(() => withHttpCache(trpcLike, { vary: ['bad header'] })).toThrow(/RFC 9110 token/);
    expect(() => withHttpCache(trpcLike, { vray: [] } as never)).toThrow(/did you mean "vary"/);
  });
});
