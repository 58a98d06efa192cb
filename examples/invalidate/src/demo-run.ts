/**
 * The demo's steps, as a function the smoke test runs too: reads over raw HTTP (to show
 * `X-Cache`), writes through the tRPC client; every write declares what it invalidates, its
 * response says so (`Routecache-Invalidate`), and the next read is a MISS carrying the new
 * data. Run it once per process: the cache and the db are module state.
 */
import type { AddressInfo } from 'node:net';
import { INVALIDATE_HEADER } from '@routecache/trpc/client';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { db } from './db.js';
import { type AppRouter, appRouter } from './router.js';

/** One read over HTTP: its `X-Cache` and the names it returned. */
export interface Read {
  status: string;
  names: string[];
}

/** A write: its `Routecache-Invalidate` header, then the reads after it. */
export interface Write {
  invalidated: string | null;
  reads: Read[];
}

/** What the demo measured. */
export interface DemoFacts {
  /** `users.get({ userId: 1 })` and `users.list` read twice each before any write. */
  warm: Read[];
  /** `users.rename` (routes.users.get({ userId }) + routes.users.list), then the two reads. */
  rename: Write;
  /** `users.create` (routes.users.list), then the list read. */
  create: Write;
  /** `users.delete` (tags.users), then `users.get({ userId: 1 })` and the list. */
  delete: Write;
  /** `users.purge` (the imperative `invalidateTag.users()`): entries removed, then the list. */
  purge: { removed: number; reads: Read[] };
  /** Resolver runs in total. */
  resolverRuns: number;
}

/**
 * Start the CRUD app, read, write, read again, stop it, and return the facts.
 *
 * @example
 * ```ts
 * const facts = await runDemo(() => {});
 * facts.rename.reads.map((r) => r.status); // ['MISS', 'MISS']
 * facts.rename.invalidated; // '1;{"calls":[["users.get",{"userId":1}]],"paths":["users.list"],"tags":[]}'
 * ```
 */
export async function runDemo(log: (line: string) => void = console.log): Promise<DemoFacts> {
  const server = createCachedHTTPServer({ router: appRouter, basePath: '/trpc/' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
    // The last mutation response's Routecache-Invalidate header (routecache's client link reads
    // it to refresh React Query; here it is printed).
    let invalidated: string | null = null;
    const client = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url,
          fetch: async (input, init) => {
            const response = await fetch(input, init as RequestInit);
            invalidated = response.headers.get(INVALIDATE_HEADER);
            return response;
          },
        }),
      ],
    });
    const said = () => {
      log(`   Routecache-Invalidate: ${invalidated}`);
      return invalidated;
    };

    async function read(path: 'users.get' | 'users.list', input?: unknown): Promise<Read> {
      const query =
        input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      const response = await fetch(`${url}/${path}${query}`);
      const { result } = (await response.json()) as { result: { data: unknown } };
      const users = (Array.isArray(result.data) ? result.data : [result.data]) as {
        name: string;
      }[];
      const status = response.headers.get('x-cache') ?? '-';
      const names = users.map((user) => user.name);
      log(`   GET ${path.padEnd(10)} ${status.padEnd(4)}  ${names.join(', ')}`);
      return { status, names };
    }
    const getAda = () => read('users.get', { userId: 1 });
    const list = () => read('users.list');

    log(`routecache invalidate demo — tRPC server on ${url} (in-memory store)\n`);
    log('1. Reads fill the cache:');
    const warm = [await getAda(), await getAda(), await list(), await list()];

    log('\n2. users.rename declares routes.users.get({ userId }) + routes.users.list:');
    await client.users.rename.mutate({ userId: 1, name: 'Ada Lovelace' });
    const rename = { invalidated: said(), reads: [await getAda(), await list()] };

    log('\n3. users.create declares routes.users.list:');
    const created = await client.users.create.mutate({ name: 'Barbara' });
    log(`   created #${created.user.id}`);
    const create = { invalidated: said(), reads: [await list()] };

    log('\n4. users.delete declares tags.users (every entry tagged users):');
    await client.users.delete.mutate({ userId: 2 });
    const deletion = { invalidated: said(), reads: [await getAda(), await list()] };

    log('\n5. users.purge calls invalidateTag.users() itself:');
    const purged = await client.users.purge.mutate();
    log(`   removed ${purged.removed} entries`);
    const purge = { removed: purged.removed, reads: [await list()] };

    log(`\nThe resolvers ran ${db.reads} times for ${warm.length + 6} reads.`);
    return { warm, rename, create, delete: deletion, purge, resolverRuns: db.reads };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
