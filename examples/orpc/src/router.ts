/**
 * routecache on oRPC: one expensive procedure, cached for 60 s on the in-memory store, and a
 * rename that invalidates it through the router's typed keys (no codegen).
 */
import { os } from '@orpc/server';
import { createCache } from '@routecache/core';
import { createCacheMiddleware, routeKeys } from '@routecache/orpc';
import { z } from 'zod';

export const cache = createCache({ namespace: 'orpc-example', ttl: 60 });
const cacheMiddleware = createCacheMiddleware(cache);

/** A stand-in for a database: every read costs 150 ms and is counted. */
export const db = {
  reads: 0,
  users: new Map([[1, { id: 1, name: 'Ada Lovelace' }]]),
  async getUser(id: number) {
    this.reads++;
    await new Promise((resolve) => setTimeout(resolve, 150));
    return this.users.get(id) ?? null;
  },
};

// The cached reads first: their typed keys are derived from this object's type, so the
// procedures that invalidate them (below) must not be part of it (TypeScript would see a cycle).
const reads = {
  users: {
    // GET, so a browser or CDN can revalidate with If-None-Match (304).
    get: os
      .route({ method: 'GET' })
      .input(z.object({ id: z.number().int() }))
      // Shared by every caller: sharing across users is always declared.
      .use(cacheMiddleware({ scope: 'public', tags: ['users'] }))
      .handler(({ input }) => db.getUser(input.id)),
  },
};

const { invalidate } = routeKeys(reads);

export const router = {
  users: {
    ...reads.users,
    rename: os
      .input(z.object({ id: z.number().int(), name: z.string().min(1) }))
      .handler(async ({ input }) => {
        db.users.set(input.id, { id: input.id, name: input.name });
        // Typed by the router: `invalidate.users.get` takes that procedure's input.
        return { removed: await invalidate.users.get({ id: input.id }) };
      }),
  },
};
