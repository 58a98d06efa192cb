/**
 * One arm of the `http` section as a server process of its own (started by http.ts, pinned to
 * a core with `taskset`): `node http-server.ts <arm>` listens on a free loopback port and prints
 * `@@port <n>` once it does. Every arm serves the same procedure, `item`, whose result is ~2 KB
 * of JSON.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createFloorMiddleware } from './floor.js';
import { HTTP_ARMS, type HttpArm, ITEM, PORT_LINE } from './http-arms.js';

const t = initTRPC.create();
/** The input every arm's procedure takes (validated by a plain function, as cheap as it gets). */
const itemInput = (raw: unknown) => raw as { id: number };

function server(arm: HttpArm) {
  switch (arm) {
    case 'floor': {
      const router = t.router({
        item: t.procedure
          .input(itemInput)
          .use(createFloorMiddleware())
          .query(() => ({ ...ITEM })),
      });
      return createServer(createHTTPHandler({ router }));
    }
    case 'routecache': {
      const cache = createCache({ store: memoryStore(), ttl: 3600 });
      const cacheMiddleware = createCacheMiddleware(cache);
      const router = t.router({
        item: t.procedure
          .input(itemInput)
          .use(cacheMiddleware({ scope: 'public' }))
          .query(() => ({ ...ITEM })),
      });
      return createCachedHTTPServer({ router });
    }
    case 'plain': {
      const router = t.router({ item: t.procedure.input(itemInput).query(() => ITEM) });
      return createServer(createHTTPHandler({ router }));
    }
    case 'wrapper': {
      const router = t.router({ item: t.procedure.input(itemInput).query(() => ITEM) });
      return createCachedHTTPServer({ router });
    }
  }
}

const arm = process.argv[2] as HttpArm;
if (!HTTP_ARMS.includes(arm)) throw new Error(`unknown http arm: ${process.argv[2]}`);
const listening = server(arm);
listening.keepAliveTimeout = 60_000;
listening.listen(0, '127.0.0.1', () => {
  console.log(`${PORT_LINE}${(listening.address() as AddressInfo).port}`);
});
// Exit through process.exit on a signal, so a `--cpu-prof` profile of the arm gets written.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
