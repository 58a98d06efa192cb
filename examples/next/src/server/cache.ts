/**
 * The example's server-side state: one routecache cache and one stand-in database per Node
 * process, whichever Next.js bundle imports this module.
 *
 * Next.js compiles route handlers (`app/api/...`) and server components (`app/page.tsx`) into
 * separate bundles, each with its own instance of every module both import: a module-scoped
 * `createCache(...)` would give the tRPC route handler one cache and the server component
 * another, and the resolver would run once per bundle for the same call. Holding the state on
 * `globalThis` under a registered symbol gives every bundle in the process the same objects.
 */
import { type Cache, createCache } from '@routecache/core';

/** A stand-in database: every read costs 50 ms and is counted per user id. */
export interface Db {
  readonly users: Map<number, { id: number; name: string }>;
  /** Resolver runs per user id, exposed by `/api/reads` for the example's tests. */
  readonly reads: Map<number, number>;
  getUser(id: number): Promise<{ id: number; name: string } | null>;
}

interface ServerState {
  readonly cache: Cache;
  readonly db: Db;
}

function createServerState(): ServerState {
  const db: Db = {
    users: new Map([
      [1, { id: 1, name: 'Ada Lovelace' }],
      [2, { id: 2, name: 'Grace Hopper' }],
      [3, { id: 3, name: 'Edsger Dijkstra' }],
    ]),
    reads: new Map(),
    async getUser(id) {
      this.reads.set(id, (this.reads.get(id) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return this.users.get(id) ?? null;
    },
  };
  return { cache: createCache({ namespace: 'next-example', ttl: 60 }), db };
}

const STATE = Symbol.for('routecache.example-next.state');
const holder = globalThis as typeof globalThis & { [STATE]?: ServerState };

/** The process's one cache and database, created by the first bundle that asks. */
function serverState(): ServerState {
  const existing = holder[STATE];
  if (existing !== undefined) return existing;
  const created = createServerState();
  holder[STATE] = created;
  return created;
}

export const { cache, db } = serverState();
