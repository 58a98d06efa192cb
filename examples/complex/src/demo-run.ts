/**
 * The demo's steps, as a function the smoke test runs too. Every fact it returns and prints is
 * measured on a real HTTP server (statuses from `X-Cache`, resolver runs from the db counters).
 * Run it once per process: the cache and the db are module state.
 */
import { cache } from './cache.js';
import { clientFor, streamClient } from './clients.js';
import { db } from './db.js';
import { invalidate, invalidateTag, keys } from './routecache.generated.js';
import { startServer } from './server.js';

/** What the demo measured. */
export interface DemoFacts {
  /** `users.me`: Alice twice, Bob once; the HTTP status of an anonymous call; resolver runs. */
  me: { alice: string[]; bob: string; anonymousHttpStatus: number; reads: number };
  /** `users.get` in en, en, fr: statuses, greetings, the `Vary` sent, entries one invalidation removed. */
  vary: { statuses: string[]; greetings: string[]; varyHeader: string; removed: number };
  /** `users.byHandle` as `Alice` then `alice` (one custom-keyed entry). */
  customKey: { statuses: string[]; reads: number; key: string };
  /** The generated base key of `users.get({ userId: 'u1' })`: root namespace + route namespace. */
  namespacedKey: string;
  /** `posts.byAuthor`: superjson types on a hit, and tag invalidation by input-derived tag. */
  tags: {
    statuses: string[];
    hitHasDates: boolean;
    hitHasMap: boolean;
    removedAuthorTag: number;
    afterAuthorTag: { u1: string; u2: string };
    removedCatalogTag: number;
  };
  /** `stats.overview` on a lazy router: a key computed before it loaded, then MISS, HIT. */
  lazy: { keyBeforeLoad: string; statuses: string[] };
  /** `posts.feed` streamed twice: chunk ids, whether replayed chunks keep Dates, resolver runs. */
  stream: { first: number[]; second: number[]; secondHasDates: boolean; runs: number };
  /** `posts.trending` (ttl 1 s, swr 60 s) before, just after and after the refresh of a change. */
  swr: { statuses: string[]; postIds: (number | undefined)[]; runs: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Start the app, exercise every caching feature, stop it, and return the facts.
 *
 * @example
 * ```ts
 * const facts = await runDemo(() => {}); // silent
 * facts.me.alice; // ['MISS', 'HIT']
 * ```
 */
export async function runDemo(log: (line: string) => void = console.log): Promise<DemoFacts> {
  const server = await startServer();
  try {
    const { url } = server;
    log(`routecache complex demo — tRPC server on ${url} (superjson, in-memory store)\n`);
    const anonymous = clientFor(url);

    log('1. users.me: auth runs before the cache; one private entry per user');
    const alice = clientFor(url, { authorization: 'Bearer alice-token' });
    const bob = clientFor(url, { authorization: 'Bearer bob-token' });
    await alice.client.users.me.query();
    await alice.client.users.me.query();
    const bobMe = await bob.client.users.me.query();
    const anonymousHttpStatus = (await fetch(`${url}/users.me`)).status;
    const me = {
      alice: alice.seen.map((s) => s.xCache),
      bob: bob.status(),
      anonymousHttpStatus,
      reads: db.reads.users,
    };
    log(
      `   alice ${me.alice.join(' → ')}, bob ${me.bob} (${bobMe.name}), anonymous HTTP ${anonymousHttpStatus}`,
    );
    log(`   resolver runs: ${me.reads}\n`);

    log('2. users.get varies on Accept-Language: one entry per language, one base key');
    const statuses: string[] = [];
    const greetings: string[] = [];
    let varyHeader = '-';
    for (const lang of ['en', 'en', 'fr']) {
      const caller = clientFor(url, { 'accept-language': lang });
      greetings.push((await caller.client.users.get.query({ userId: 'u1' })).greeting);
      statuses.push(caller.status());
      varyHeader = caller.seen.at(-1)?.vary ?? '-';
    }
    const removed = await invalidate.users.get({ userId: 'u1' });
    log(`   ${statuses.join(' → ')}  ${greetings.join(' / ')}  Vary: ${varyHeader}`);
    log(`   invalidate.users.get({ userId: 'u1' }) removed ${removed} entries (every language)\n`);

    log('3. users.byHandle: a custom key lower-cases the handle');
    const readsBefore = db.reads.users;
    await anonymous.client.users.byHandle.query({ handle: 'Alice' });
    const byHandleFirst = anonymous.status();
    await anonymous.client.users.byHandle.query({ handle: 'alice' });
    const customKey = {
      statuses: [byHandleFirst, anonymous.status()],
      reads: db.reads.users - readsBefore,
      key: await keys.users.byHandle({ handle: 'ALICE' }),
    };
    const namespacedKey = await keys.users.get({ userId: 'u1' });
    log(
      `   Alice ${customKey.statuses[0]}, alice ${customKey.statuses[1]}; resolver runs: ${customKey.reads}`,
    );
    log(`   keys.users.byHandle({ handle: 'ALICE' }) = ${customKey.key}`);
    log(`   keys.users.get({ userId: 'u1' })         = ${namespacedKey}\n`);

    log('4. posts.byAuthor: Dates and a Map through superjson; tags from the input');
    const tagStatuses: string[] = [];
    await anonymous.client.posts.byAuthor.query({ authorId: 'u1' });
    tagStatuses.push(anonymous.status());
    const hit = await anonymous.client.posts.byAuthor.query({ authorId: 'u1' });
    tagStatuses.push(anonymous.status());
    await anonymous.client.posts.byAuthor.query({ authorId: 'u2' });
    tagStatuses.push(anonymous.status());
    const hitHasDates = hit.posts.every((post) => post.createdAt instanceof Date);
    const hitHasMap = hit.perMonth instanceof Map;
    const removedAuthorTag = await cache.invalidateTags(['author:u1']);
    await anonymous.client.posts.byAuthor.query({ authorId: 'u1' });
    const afterU1 = anonymous.status();
    await anonymous.client.posts.byAuthor.query({ authorId: 'u2' });
    const afterAuthorTag = { u1: afterU1, u2: anonymous.status() };
    log(
      `   u1 ${tagStatuses[0]} → ${tagStatuses[1]}, u2 ${tagStatuses[2]}; on the hit: Date ${hitHasDates}, Map ${hitHasMap}`,
    );
    log(
      `   invalidateTags(['author:u1']) removed ${removedAuthorTag}; then u1 ${afterAuthorTag.u1}, u2 ${afterAuthorTag.u2}\n`,
    );

    log('5. stats.overview lives on a lazy router; generated helpers load it on demand');
    const keyBeforeLoad = await keys.stats.overview();
    const lazyStatuses: string[] = [];
    for (let i = 0; i < 2; i++) {
      await anonymous.client.stats.overview.query();
      lazyStatuses.push(anonymous.status());
    }
    await anonymous.client.posts.titles.query();
    const removedCatalogTag = await invalidateTag.catalog();
    log(
      `   keys.stats.overview() before any call = ${keyBeforeLoad}; calls ${lazyStatuses.join(' → ')}`,
    );
    log(`   invalidateTag.catalog() removed ${removedCatalogTag} (stats.overview, posts.titles)\n`);

    log('6. posts.feed streams over httpBatchStreamLink; a hit replays the stored chunks');
    const streaming = streamClient(url);
    const first: number[] = [];
    for await (const post of await streaming.posts.feed.query()) first.push(post.id);
    const replayed = [];
    for await (const post of await streaming.posts.feed.query()) replayed.push(post);
    const stream = {
      first,
      second: replayed.map((post) => post.id),
      secondHasDates: replayed.every((post) => post.createdAt instanceof Date),
      runs: db.reads.feed,
    };
    log(
      `   first [${stream.first}], replay [${stream.second}] (Dates ${stream.secondHasDates}); generator runs: ${stream.runs}\n`,
    );

    log('7. posts.trending: fresh 1 s, then stale-while-revalidate');
    const swr = { statuses: [] as string[], postIds: [] as (number | undefined)[], runs: 0 };
    const trending = async () => {
      swr.postIds.push((await anonymous.client.posts.trending.query())?.id);
      swr.statuses.push(anonymous.status());
    };
    await trending();
    db.trending = 3;
    await sleep(1_100);
    await trending(); // stale: answered at once from the old entry, one refresh starts
    // The refresh runs in the background; wait (bounded) until it stored the new post.
    for (let i = 0; i < 100 && db.reads.trending < 2; i++) await sleep(10);
    await sleep(50);
    await trending();
    swr.runs = db.reads.trending;
    log(
      `   ${swr.statuses.join(' → ')}, post ids ${swr.postIds.join(' → ')}; resolver runs: ${swr.runs}`,
    );

    return {
      me,
      vary: { statuses, greetings, varyHeader, removed },
      customKey,
      namespacedKey,
      tags: {
        statuses: tagStatuses,
        hitHasDates,
        hitHasMap,
        removedAuthorTag,
        afterAuthorTag,
        removedCatalogTag,
      },
      lazy: { keyBeforeLoad, statuses: lazyStatuses },
      stream,
      swr,
    };
  } finally {
    await server.close();
  }
}
