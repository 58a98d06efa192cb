import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, withCacheContext } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';

// Issue 17 item 5: the base key of a procedure without input ended in `|undefined`.
describe('base keys of procedures without input', () => {
  const t = initTRPC.create();
  const cache = createCache({ store: memoryStore(), namespace: 'app' });
  const cacheMiddleware = createCacheMiddleware(cache);
  const router = t.router({
    health: t.procedure.use(cacheMiddleware()).query(() => 'ok'),
    // A custom key spelling the other route's path: it must not share that route's entry.
    lookalike: t.procedure.use(cacheMiddleware({ key: () => 'health' })).query(() => 'other'),
  });

  it('end after the route, with no `undefined` tail, and never meet a custom key', async () => {
    const stored: string[] = [];
    const off = cache.on('stored', ({ baseKey }) => stored.push(baseKey));
    const ctx = await withCacheContext(() => ({}))({ req: new Request('http://localhost/') });
    const caller = router.createCaller(ctx);
    expect(await caller.health()).toBe('ok');
    expect(await caller.lookalike()).toBe('other');
    off();
    expect(stored).toEqual(['app|health|', 'app|health']);
    expect(await caller.health()).toBe('ok');
  });
});
