/**
 * The demo's steps, as a function the smoke test runs too: reads over raw HTTP (to show
 * `X-Cache`), writes through the tRPC client; every write invalidates with the generated
 * helpers and the next read is a MISS carrying the new data. Run it once per process: the cache
 * and the db are module state.
 */
import type { AddressInfo } from 'node:net';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { db } from './db.js';
import { type AppRouter, appRouter } from './router.js';

/** One read over HTTP: its `X-Cache` and the names it returned. */
export interface Read {
  status: string;
  names: string[];
}

/** What the demo measured. */
export interface DemoFacts {
  /** `users.get({ userId: 1 })` and `users.list` read twice each before any write. */
  warm: Read[];
  /** `users.rename` (invalidate.users.get + invalidate.users.list): entries removed, then the two reads. */
  rename: { removed: number; reads: Read[] };
  /** `users.create` (invalidate.users.list): entries removed, then the list read. */
  create: { removed: number; reads: Read[] };
  /** `users.delete` (invalidateTag.users): entries removed, then `users.get({ userId: 1 })` and the list. */
  delete: { removed: number; reads: Read[] };
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
 * ```
 */
export async function runDemo(log: (line: string) => void = console.log): Promise<DemoFacts> {
  const server = createCachedHTTPServer({ router: appRouter, basePath: '/trpc/' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url })] });

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

    log('\n2. users.rename → invalidate.users.get({ userId }) + invalidate.users.list():');
    const renamed = await client.users.rename.mutate({ userId: 1, name: 'Ada Lovelace' });
    log(`   removed ${renamed.removed} entries`);
    const rename = { removed: renamed.removed, reads: [await getAda(), await list()] };

    log('\n3. users.create → invalidate.users.list():');
    const created = await client.users.create.mutate({ name: 'Barbara' });
    log(`   created #${created.user.id}, removed ${created.removed} entry`);
    const create = { removed: created.removed, reads: [await list()] };

    log('\n4. users.delete → invalidateTag.users() (every entry tagged users):');
    const deleted = await client.users.delete.mutate({ userId: 2 });
    log(`   removed ${deleted.removed} entries`);
    const deletion = { removed: deleted.removed, reads: [await getAda(), await list()] };

    log(`\nThe resolvers ran ${db.reads} times for ${warm.length + 5} reads.`);
    return { warm, rename, create, delete: deletion, resolverRuns: db.reads };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
