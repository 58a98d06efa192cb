import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterAll, describe, expect, it } from 'vitest';
import { createFloorMiddleware } from './floor.js';

const t = initTRPC.create();
const parseId = (raw: unknown) => raw as { id: number };

function floorRouter() {
  const floor = createFloorMiddleware();
  let resolverRuns = 0;
  const router = t.router({
    post: t.procedure
      .input(parseId)
      .use(floor)
      .query(({ input }) => {
        resolverRuns++;
        if (input.id < 0) throw new Error('no such post');
        return { id: input.id, runs: resolverRuns };
      }),
  });
  return { router, floor, runs: () => resolverRuns };
}

describe('createFloorMiddleware', () => {
  it('serves a repeated createCaller call from its lru-cache, keyed by path and input', async () => {
    const { router, floor, runs } = floorRouter();
    const caller = t.createCallerFactory(router)({});
    expect(await caller.post({ id: 1 })).toEqual({ id: 1, runs: 1 });
    expect(await caller.post({ id: 1 })).toEqual({ id: 1, runs: 1 });
    expect(await caller.post({ id: 2 })).toEqual({ id: 2, runs: 2 });
    expect(runs()).toBe(2);
    expect([...floor.lru.keys()].sort()).toEqual(['post{"id":1}', 'post{"id":2}']);
  });

  it('does not store a failed call', async () => {
    const { router, floor, runs } = floorRouter();
    const caller = t.createCallerFactory(router)({});
    await expect(caller.post({ id: -1 })).rejects.toThrow('no such post');
    await expect(caller.post({ id: -1 })).rejects.toThrow('no such post');
    expect(runs()).toBe(2);
    expect(floor.lru.size).toBe(0);
  });

  describe('over plain createHTTPServer', () => {
    const { router, runs } = floorRouter();
    const server = createHTTPServer({ router });
    const ready = new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers a repeated GET without running the resolver again', async () => {
      await ready;
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/post?input=${encodeURIComponent('{"id":7}')}`;
      const first = await (await fetch(url)).json();
      const second = await (await fetch(url)).json();
      expect(first).toEqual({ result: { data: { id: 7, runs: 1 } } });
      expect(second).toEqual(first);
      expect(runs()).toBe(1);
    });
  });
});
