import { ignore } from '../async.js';
import type { CacheStore, EntryAddress } from '../stores/types.js';
import { FailedFill, type Filled } from './single-flight.js';
import { FAILED, type StoreCalls } from './store-calls.js';

/**
 * Cross-instance single-flight for stores shared between processes (`acquireLease`, e.g. Redis).
 * In-process single-flight already made this the only fill of the key here; the lease makes it
 * the only one across instances:
 *
 * - lease acquired → `fillLocally`, then release it (a failed load releases too, so the waiters
 *   stop waiting and load themselves; a stream releases it once its fill settles);
 * - lease held elsewhere → wait for that instance's fill (at most `leaseMs`) and serve it;
 * - a lease failure, a waiter timeout, or the holder gave up → `fillLocally`.
 *   A lease problem never fails or hangs a request.
 *
 * A store without `acquireLease` (in-process) is not called here: its fill runs as it is.
 *
 * @example
 * ```ts
 * const acquire = store.acquireLease;
 * const outcome = acquire === undefined
 *   ? await fill(request, address)
 *   : await underLease(store, acquire, calls, address, 5_000, () => fill(request, address));
 * ```
 */
export async function underLease(
  store: CacheStore,
  acquire: NonNullable<CacheStore['acquireLease']>,
  calls: StoreCalls,
  address: EntryAddress,
  leaseMs: number,
  fillLocally: () => Promise<Filled>,
): Promise<Filled> {
  const lease = await calls.run('lease', () => acquire.call(store, address, leaseMs));
  if (lease === FAILED) return fillLocally();
  if (lease.acquired) {
    const release = () => {
      lease.release().catch(ignore);
    };
    let outcome: Filled;
    try {
      outcome = await fillLocally();
    } catch (error) {
      release();
      throw error;
    }
    // A stream still being read keeps the lease until its fill settles: the other instances
    // wait for the entry it is about to store instead of loading the stream again.
    if (outcome instanceof FailedFill || outcome.streaming === undefined) release();
    else outcome.streaming.then(release);
    return outcome;
  }
  // The wait is bounded by the lease itself; the extra budget only guards a store that hangs.
  const started = calls.start();
  const entry = await calls.settle('lease', lease.wait(), started, leaseMs + calls.timeoutMs);
  const now = Date.now();
  if (entry === FAILED || entry === undefined || now >= entry.freshUntil) return fillLocally();
  return {
    value: entry.value,
    kind: entry.kind,
    etag: entry.etag,
    stored: true,
    maxAge: Math.floor((entry.freshUntil - now) / 1000),
  };
}
