/**
 * `@routecache/core` and the fetch glue of `@routecache/trpc`, unchanged, in a Workers runtime:
 * workerd (through miniflare) serves a tRPC fetch handler with the memory store, and real HTTP on
 * loopback sees MISS → HIT → 304. The bundle is built as for Workers (platform neutral, no Node
 * compatibility), so a `node:` import or a Node global on the root entries fails this file.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, type RunningWorker, startWorker } from '../support/workerd.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const postUrl = (worker: RunningWorker, id: string) =>
  new URL(`/trpc/post?input=${encodeURIComponent(JSON.stringify({ id }))}`, worker.url);

describe('routecache in workerd', () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(await bundleWorker({ entry: `${here}worker.ts` }));
  }, 60_000);
  afterAll(() => worker?.close());

  it('answers MISS, then HIT with the same ETag and body, then 304 to If-None-Match', async () => {
    const miss = await fetch(postUrl(worker, '1'));
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const etag = miss.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(miss.headers.get('cache-control')).toBe('no-cache');
    const body = await miss.json();
    expect(body).toEqual({ result: { data: { id: '1', run: 1, at: new Date(0).toJSON() } } });

    const hit = await fetch(postUrl(worker, '1'));
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('etag')).toBe(etag);
    expect(await hit.json()).toEqual(body);

    const notModified = await fetch(postUrl(worker, '1'), {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('x-cache')).toBe('HIT');

    const runs = await (await fetch(new URL('/trpc/runs', worker.url))).json();
    expect(runs).toEqual({ result: { data: 1 } });
  });

  it('keys calls apart: another input is a MISS with another ETag', async () => {
    const first = await fetch(postUrl(worker, '1'));
    const other = await fetch(postUrl(worker, '2'));
    expect(other.headers.get('x-cache')).toBe('MISS');
    expect(other.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });

  it('runs the client entry: revalidatingFetch turns the second read into a 304', async () => {
    const response = await fetch(new URL('/client', worker.url));
    expect(await response.json()).toEqual({ statuses: [200, 304], same: true });
  });
});

describe('the workerd harness refuses Node', () => {
  it('fails the bundle on a node: import', async () => {
    await expect(
      bundleWorker({ contents: "import 'node:crypto'; export default {};", resolveDir: here }),
    ).rejects.toThrow(/Could not resolve "node:crypto"/);
  });

  it('runs the worker without Node globals', async () => {
    const worker = await startWorker(
      'export default { fetch: () => new Response([typeof process, typeof Buffer].join()) };',
    );
    try {
      expect(await (await fetch(worker.url)).text()).toBe('undefined,undefined');
    } finally {
      await worker.close();
    }
  }, 60_000);
});
