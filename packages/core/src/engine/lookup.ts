import type { EntryAddress, Fence } from '../stores/types.js';
import type { Committer } from './commit.js';
import { windowMs } from './commit.js';
import type { CacheEvents } from './events.js';
import type { ResolvedCacheOptions } from './options.js';
import { FAILED, type Failed, isPromiseLike, type StoreCalls } from './store-calls.js';
import type { LoadRequest, LookupResult, PendingFill } from './types.js';

/** The request {@link Cache.lookup} takes. */
export type LookupRequest = Omit<LoadRequest<unknown>, 'load' | 'cacheable' | 'etag'>;

const NO_TAGS: readonly string[] = [];
const NO_HOOKS = {};

/**
 * Closes fills their caller dropped without committing or aborting them (a stream nobody read):
 * once such a fill is garbage-collected it stops counting as pending. Runtimes without
 * `FinalizationRegistry` rely on callers settling every fill.
 */
const dropped =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<() => boolean>((close) => close())
    : undefined;

/**
 * `lookup` for callers that fill entries themselves (streams). Not single-flighted: each miss
 * gets its own {@link PendingFill}, fenced when the lookup missed, so an invalidation that lands
 * before `commit` keeps the fill out of the store.
 *
 * Stale-while-revalidate without a loader: a stale entry inside the window is served (`STALE`)
 * only while another caller's fill of that key is pending; otherwise the caller gets a fill and
 * becomes the refresher. So one caller at a time pays for the refresh and the rest are served.
 * Callers must `commit` or `abort` every fill; one dropped without either stops counting as
 * pending when it is garbage-collected.
 *
 * @example
 * ```ts
 * const lookup = createLookup(options, calls, events, commit, storageKeyOf);
 * const found = await lookup({ baseKey });
 * if (!found.hit) await found.fill.commit({ chunks, returnValue }, 'stream');
 * ```
 */
export function createLookup(
  options: ResolvedCacheOptions,
  calls: StoreCalls,
  events: CacheEvents,
  commit: Committer,
  storageKeyOf: (request: LookupRequest) => string,
): (request: LookupRequest) => Promise<LookupResult> {
  const { store } = options;
  /** Storage keys with a pending fill, and how many. Entries leave on commit/abort. */
  const pending = new Map<string, number>();

  /**
   * Count one more pending fill of `key`; the returned function un-counts it, once. Made apart
   * from the fill so its closure cannot hold the fill (the collector-backed close needs that).
   */
  function countPending(key: string): () => boolean {
    pending.set(key, (pending.get(key) ?? 0) + 1);
    let open = true;
    return () => {
      if (!open) return false;
      open = false;
      const left = (pending.get(key) ?? 1) - 1;
      if (left === 0) pending.delete(key);
      else pending.set(key, left);
      return true;
    };
  }

  function openFill(
    address: EntryAddress,
    fence: Fence | Failed,
    request: LookupRequest,
  ): PendingFill {
    const close = countPending(address.key);
    const fill: PendingFill = {
      async commit(value, kind) {
        // A fill commits once; after abort (or a first commit) it stores nothing.
        if (!close()) return { stored: false, etag: undefined };
        dropped?.unregister(fill);
        const outcome = await commit(address, value, kind, fence, request, NO_HOOKS);
        return { stored: outcome.stored, etag: outcome.etag };
      },
      abort() {
        if (close()) dropped?.unregister(fill);
      },
    };
    // `close` does not reach `fill` (see countPending), so registering keeps nothing alive.
    dropped?.register(fill, close, fill);
    return fill;
  }

  return async function lookup(request) {
    const key = storageKeyOf(request);
    const baseKey = request.baseKey;
    let entry = calls.run('get', () => store.get(key));
    if (isPromiseLike(entry)) entry = await entry;
    if (entry !== FAILED && entry !== undefined) {
      const now = Date.now();
      if (now < entry.freshUntil) {
        if (events.listening.hit > 0) events.emit('hit', { key, baseKey });
        const maxAge = Math.floor((entry.freshUntil - now) / 1000);
        return { hit: true, status: 'HIT', entry, maxAge };
      }
      const swrMs = windowMs(request.staleWhileRevalidate, options.staleWhileRevalidateMs);
      if (now < entry.freshUntil + swrMs && pending.has(key)) {
        if (events.listening.stale > 0)
          events.emit('stale', { key, baseKey, reason: 'revalidate' });
        return { hit: true, status: 'STALE', entry, maxAge: 0 };
      }
    }
    if (events.listening.miss > 0) events.emit('miss', { key, baseKey });
    const address: EntryAddress = { key, baseKey, tags: request.tags ?? NO_TAGS };
    let fence = calls.run('fence', () => store.fence(address));
    if (isPromiseLike(fence)) fence = await fence;
    return { hit: false, fill: openFill(address, fence, request) };
  };
}
