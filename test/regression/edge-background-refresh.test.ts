/**
 * Regression: on workerd a stale-while-revalidate refresh was stranded. The runtime stops a
 * request's pending work once its response is sent, so the refresh the STALE answer started
 * never finished: nothing was stored, its flight never settled, and the key served the stale
 * value for the whole window (then every caller would have joined the dead flight). Fixed by
 * handing the refresh to the host: `withHttpCache` passes the handler's `ctx.waitUntil` to the
 * engine (`LoadRequest.waitUntil`).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleWorker, type RunningWorker, startWorker } from '../support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  const entry = fileURLToPath(new URL('./edge-background-refresh.worker.ts', import.meta.url));
  worker = await startWorker(await bundleWorker({ entry }));
}, 60_000);
afterAll(() => worker?.close());

async function read(): Promise<{ xCache: string | null; value: unknown }> {
  const response = await fetch(new URL('/trpc/slow', worker.url));
  const body = (await response.json()) as { result: { data: unknown } };
  return { xCache: response.headers.get('x-cache'), value: body.result.data };
}

it('finishes a background refresh on workerd: the stale answer is followed by the new value', async () => {
  expect(await read()).toEqual({ xCache: 'MISS', value: 1 });
  // Past the 1 s ttl: the next read is served stale and starts the refresh.
  await expect
    .poll(read, { timeout: 10_000, interval: 200 })
    .toEqual({ xCache: 'STALE', value: 1 });
  // The refresh (100 ms) is stored: reads turn into hits of run 2.
  await expect.poll(read, { timeout: 10_000, interval: 100 }).toEqual({ xCache: 'HIT', value: 2 });
}, 30_000);
