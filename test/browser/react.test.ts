/**
 * examples/react in Debian's Chromium: a Vite build of the page, served with tRPC and routecache
 * on one loopback origin, once over `httpLink` and once over `httpBatchLink`.
 *
 * - The page loads users.get(1), users.list and posts.list.
 * - A click runs `users.rename` (declared with `invalidates(...)` on the server; nothing on the
 *   client calls invalidate): the page shows the new name in users.get(1) and users.list after
 *   one refetch of exactly those two procedures, none of posts.list, and their resolvers ran
 *   again (the server's entries were removed too).
 * - A reload: the browser sends `If-None-Match` on its own, the server answers `304` where its
 *   entry did not change (counted on the server as well), and the page renders the stored data.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, chromiumAvailable, launchBrowser } from '../support/browser.js';
import { recordWire, type WireEntry } from '../support/wire-log.js';

const exampleDir = join(import.meta.dirname, '../../examples/react');

/** `examples/react/src/server/app.ts`'s `ExampleServer`. */
interface ExampleServer {
  readonly url: string;
  readonly runs: Readonly<Record<string, number>>;
  readonly notModified: Readonly<Record<string, number>>;
  close(): Promise<void>;
}
/**
 * The example pins tRPC 11.22.1 (for @trpc/tanstack-react-query) and type-checks on its own
 * (`pnpm --filter @routecache/example-react typecheck`); this package's program has the newest
 * tRPC, so the server module is loaded by a specifier TypeScript does not follow.
 */
async function startExampleServer(options: { assetsDir: string }): Promise<ExampleServer> {
  const specifier = join(exampleDir, 'src/server/app.ts');
  const app = (await import(/* @vite-ignore */ specifier)) as {
    startExampleServer(options: { assetsDir: string }): Promise<ExampleServer>;
  };
  return app.startExampleServer(options);
}
const outputDir = join(import.meta.dirname, '__output__', 'react');

/** One tRPC exchange, by procedure: the page's view (Playwright) joined with the wire's (CDP). */
interface TrpcExchange {
  readonly method: string;
  readonly procedures: readonly string[];
  /** What the page got: a revalidated response is the browser's stored 200. */
  readonly pageStatus: number;
  /** What the server sent: 304 on a revalidation. */
  readonly wireStatus: number | undefined;
  readonly ifNoneMatch: string | undefined;
}

function trpcExchanges(wire: readonly WireEntry[]): TrpcExchange[] {
  return wire.flatMap((entry) => {
    const { pathname } = new URL(entry.url);
    if (!pathname.startsWith('/trpc/')) return [];
    return [
      {
        method: entry.method,
        procedures: pathname.slice('/trpc/'.length).split(','),
        pageStatus: entry.pageStatus,
        wireStatus: entry.wireStatus,
        ifNoneMatch: entry.wireRequestHeaders['if-none-match'],
      },
    ];
  });
}

const gets = (exchanges: readonly TrpcExchange[]) => exchanges.filter((e) => e.method === 'GET');
const fetched = (exchanges: readonly TrpcExchange[]) =>
  gets(exchanges)
    .flatMap((e) => e.procedures)
    .sort();

describe.skipIf(!chromiumAvailable())('examples/react in Chromium', () => {
  let assetsDir: string;
  let server: ExampleServer;
  /** What each mode's run saw, written to `__output__/react/network-log.json`. */
  const logs: Record<string, unknown> = {};

  beforeAll(async () => {
    assetsDir = mkdtempSync(join(tmpdir(), 'routecache-react-'));
    // vitest sets NODE_ENV=test, which Vite would build React's development bundle with.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        root: exampleDir,
        mode: 'production',
        logLevel: 'warn',
        build: { outDir: assetsDir, emptyOutDir: true },
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    server = await startExampleServer({ assetsDir });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(assetsDir, { recursive: true, force: true });
    writeFileSync(join(outputDir, 'network-log.json'), `${JSON.stringify(logs, null, 2)}\n`);
  });

  type Mode = 'http' | 'batch' | 'stream';
  const sessions: BrowserSession[] = [];
  afterAll(async () => {
    for (const session of sessions) await session.close();
  });

  /** A fresh browser on the page in `mode`, and the steps every mode shares. */
  async function open(mode: Mode) {
    const session = await launchBrowser(join(outputDir, mode));
    sessions.push(session);
    const { page, network } = session;
    const wire = await recordWire(session);
    const text = (selector: string) => page.locator(selector).textContent();
    const listed = (selector: string) => page.locator(`${selector} li`).allTextContents();
    /** Wait for `count` tRPC exchanges with their wire status (reported asynchronously). */
    const exchanges = async (count: number) => {
      const done = () => trpcExchanges(wire.entries()).filter((e) => e.wireStatus !== undefined);
      await expect.poll(() => done().length).toBeGreaterThanOrEqual(count);
      return trpcExchanges(wire.entries());
    };
    const clear = () => {
      network.clear();
      wire.clear();
    };
    const requests = mode === 'http' ? 3 : 1;

    // 1. Load.
    await page.goto(`${server.url}/?link=${mode}`);
    await expect.poll(() => text('#mode')).toBe(mode);
    await expect.poll(() => listed('#posts')).toHaveLength(2);
    await expect.poll(() => listed('#users')).toHaveLength(2);
    const before = await text('#user');
    expect(['Ada', 'Ada Lovelace']).toContain(before);
    const renamed = before === 'Ada' ? 'Ada Lovelace' : 'Ada';
    const loaded = await exchanges(requests);
    expect(fetched(loaded)).toEqual(['posts.list', 'users.get', 'users.list']);
    expect(loaded.every((e) => e.wireStatus === 200 && e.ifNoneMatch === undefined)).toBe(true);
    await session.screenshot('loaded');

    // 2. Rename: the mutation, then one refetch of users.get and users.list.
    clear();
    const runsBefore = { ...server.runs };
    await page.locator('#rename').click();
    await expect.poll(() => text('#user')).toBe(renamed);
    await expect.poll(() => listed('#users')).toContain(renamed);
    await expect.poll(() => text('#status')).toBe('success');
    const afterClick = await exchanges(mode === 'http' ? 3 : 2);
    expect(afterClick.filter((e) => e.method === 'POST').map((e) => e.procedures)).toEqual([
      ['users.rename'],
    ]);
    expect(fetched(afterClick)).toEqual(['users.get', 'users.list']);
    expect(gets(afterClick)).toHaveLength(mode === 'http' ? 2 : 1);
    expect(gets(afterClick).every((e) => e.wireStatus === 200)).toBe(true);
    // Both resolvers ran once more — the server's entries were removed too — and posts' not.
    expect(server.runs['users.get']).toBe((runsBefore['users.get'] ?? 0) + 1);
    expect(server.runs['users.list']).toBe((runsBefore['users.list'] ?? 0) + 1);
    expect(server.runs['posts.list']).toBe(runsBefore['posts.list']);
    await session.screenshot('renamed');

    /** 3. Reload, and what went over the wire for it. */
    const reload = async (name: string) => {
      clear();
      const notModifiedBefore = sum(server.notModified);
      const runs = { ...server.runs };
      await page.reload();
      await expect.poll(() => text('#user')).toBe(renamed);
      await expect.poll(() => listed('#users')).toContain(renamed);
      await expect.poll(() => listed('#posts')).toHaveLength(2);
      const seen = await exchanges(requests);
      expect(fetched(seen)).toEqual(['posts.list', 'users.get', 'users.list']);
      // Whatever the wire said, the page got a 200 (on a 304: the browser's stored response).
      expect(seen.every((e) => e.pageStatus === 200)).toBe(true);
      const pageLog = () => network.filter((e) => new URL(e.url).pathname.startsWith('/trpc/'));
      await expect.poll(() => pageLog().length).toBe(seen.length);
      expect(pageLog().every((e) => e.status === 200)).toBe(true);
      // Nothing changed on the server: every call was a hit, no resolver ran.
      expect(server.runs).toEqual(runs);
      await session.screenshot(name);
      return { seen, notModified: sum(server.notModified) - notModifiedBefore, pageLog: pageLog() };
    };
    return { loaded, afterClick, reload };
  }

  it.each(['http', 'batch'] as const)(
    'over %sLink: rename refreshes exactly the two user queries; a reload revalidates',
    {
      timeout: 150_000,
    },
    async (mode) => {
      const { loaded, afterClick, reload } = await open(mode);
      // Over httpLink the browser had stored the refetched URLs, and asked with their ETags.
      if (mode === 'http') expect(gets(afterClick).every((e) => e.ifNoneMatch)).toBe(true);
      const first = await reload('reloaded');
      // Every GET went with the validator the browser stored for its URL (Playwright's log of
      // the request headers says the same).
      expect(first.seen.every((e) => e.ifNoneMatch !== undefined)).toBe(true);
      expect(first.pageLog.every((e) => e.requestHeaders['if-none-match'])).toBe(true);
      if (mode === 'http') {
        // Each URL's stored response is current (users.* were refetched at the same URLs).
        expect(first.seen.map((e) => e.wireStatus)).toEqual([304, 304, 304]);
        expect(first.notModified).toBe(3);
      } else {
        // The stored batch of all three predates the rename: a fresh 200, then stored.
        expect(first.seen.map((e) => e.wireStatus)).toEqual([200]);
        expect(first.notModified).toBe(0);
      }
      const second = await reload('reloaded-again');
      expect(second.seen.every((e) => e.ifNoneMatch !== undefined && e.wireStatus === 304)).toBe(
        true,
      );
      expect(second.notModified).toBe(mode === 'http' ? 3 : 1);
      logs[mode] = { loaded, afterClick, firstReload: strip(first), secondReload: strip(second) };
    },
  );

  it('over splitLink (queries streamed, mutations batched): the same refresh; streams have no validator', {
    timeout: 150_000,
  }, async () => {
    const { loaded, afterClick, reload } = await open('stream');
    const first = await reload('reloaded');
    // A streamed response's head goes before its calls ran: no ETag, so nothing to revalidate.
    expect(first.seen.map((e) => [e.wireStatus, e.ifNoneMatch])).toEqual([[200, undefined]]);
    expect(first.notModified).toBe(0);
    logs.stream = { loaded, afterClick, firstReload: strip(first) };
  });
});

/** A reload's facts without Playwright's full log (the wire log has what the report needs). */
function strip(step: { seen: TrpcExchange[]; notModified: number }) {
  return { seen: step.seen, notModified: step.notModified };
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
