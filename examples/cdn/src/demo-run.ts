/**
 * The demo as a function: origin + real Varnish + the real tRPC client. Prints a transcript
 * through `log` and returns what it saw, for test/examples/cdn.test.ts.
 */
import type { AddressInfo } from 'node:net';
import { type Purger, varnishPurger } from '@routecache/core/cdn';
import { createTRPCClient, httpLink } from '@trpc/client';
import { type AppRouter, createApp } from './app.js';
import { EXAMPLE_VCL, startVarnish, vclFor } from './varnish.js';

/** One read through Varnish. */
export interface Read {
  name: string | null;
  cacheStatus: string | null;
  xCache: string | null;
  resolverRuns: number;
}

export interface DemoFacts {
  reads: Read[];
  purgedKeys: readonly string[];
  stats: { hits: number; misses: number };
}

export async function runDemo(log: (line: string) => void): Promise<DemoFacts> {
  // The purger needs Varnish's address and Varnish the app's: the app gets a purger that
  // forwards to the real one once Varnish is up.
  let purge: Purger = async () => {};
  const app = createApp((keys, signal) => purge(keys, signal));
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const varnish = await startVarnish(
    vclFor(EXAMPLE_VCL, (app.server.address() as AddressInfo).port),
  );
  purge = varnishPurger({ hosts: [varnish.url] });
  let purgedKeys: readonly string[] = [];
  app.cache.on('purged', ({ keys }) => {
    purgedKeys = keys;
  });

  let last: Response | undefined;
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${varnish.url}/trpc`,
        fetch: async (input, init) => {
          last = await fetch(input, init as RequestInit);
          return last;
        },
      }),
    ],
  });
  const reads: Read[] = [];
  const read = async (label: string) => {
    const { name } = await client.users.get.query({ userId: 1 });
    const seen: Read = {
      name,
      cacheStatus: last?.headers.get('cache-status') ?? null,
      xCache: last?.headers.get('x-cache') ?? null,
      resolverRuns: app.resolverRuns(),
    };
    reads.push(seen);
    log(`${label.padEnd(24)} → ${JSON.stringify(name)}  resolver runs: ${seen.resolverRuns}`);
    log(`${''.padEnd(24)}   Cache-Status: ${seen.cacheStatus}`);
  };

  try {
    log(
      `origin http://127.0.0.1:${(app.server.address() as AddressInfo).port}, Varnish ${varnish.url} in front (VCL: examples/cdn/default.vcl)`,
    );
    await read('GET users.get #1');
    await read('GET users.get #1 again');
    await client.users.rename.mutate({ userId: 1, name: 'Grace' });
    log(`POST users.rename         → purged Varnish by xkey: ${purgedKeys.join(' ')}`);
    await read('GET users.get #1');
    await read('GET users.get #1 again');
    const stats = await varnish.stats();
    const facts = {
      reads,
      purgedKeys,
      stats: { hits: stats['MAIN.cache_hit'] ?? 0, misses: stats['MAIN.cache_miss'] ?? 0 },
    };
    log(`varnishstat: cache_hit=${facts.stats.hits} cache_miss=${facts.stats.misses}`);
    return facts;
  } finally {
    await varnish.stop();
    app.server.closeAllConnections();
    app.server.close();
    await app.cache.dispose();
  }
}
