import type { CacheEntry } from '../stores/types.js';
import { FailedFill, type FillOutcome } from './single-flight.js';
import { servedValue } from './streams.js';
import type { CallRequest, Loaded, LoadRequest, LoadResult } from './types.js';

/**
 * A request as the engine runs it: a {@link LoadRequest} (its loader returns the value) or a
 * {@link CallRequest} (its loader returns a {@link Loaded}; `results` says which, per call).
 */
export type EngineRequest = Omit<LoadRequest<unknown>, 'baseKey' | 'load'> & {
  load: () => Promise<unknown>;
};

/** What the engine answers a call with (a `getOrLoad` is never `failed`). */
export type Answer = LoadResult<unknown> | { outcome: 'failed'; failure: unknown };

/**
 * Run the request's loader: the value it produced, or its failure as a {@link FailedFill} (only
 * a {@link CallRequest}'s loader, `results`, returns failures; a `getOrLoad` loader throws).
 */
export function runLoader(request: EngineRequest, results: boolean): Promise<unknown> {
  let loaded: unknown;
  try {
    loaded = request.load();
  } catch (error) {
    return Promise.reject(error);
  }
  // The loader's own promise when it is one: no extra async frame on every fill.
  const settled = loaded instanceof Promise ? loaded : Promise.resolve(loaded);
  return results ? settled.then(unwrapLoaded) : settled;
}

function unwrapLoaded(loaded: unknown): unknown {
  const result = loaded as Loaded<unknown, unknown>;
  return result.ok ? result.value : new FailedFill(result.failure);
}

/**
 * A failed fill as answered: `call`'s result, or for `getOrLoad` (whose own loader throws, so it
 * only meets a failure when it joined a `call`'s fill) a rejection with the failure.
 */
export function failedAnswer(fill: FailedFill, results: boolean): Answer | Promise<Answer> {
  if (results) return { outcome: 'failed', failure: fill.failure };
  return Promise.reject(fill.failure);
}

/** A stored entry served as `status` with `maxAge` seconds of freshness left. */
export function entryAnswer(
  entry: CacheEntry,
  status: 'HIT' | 'STALE',
  maxAge: number,
): LoadResult<unknown> {
  return {
    outcome: 'served',
    value: servedValue(entry.value, entry.kind),
    kind: entry.kind,
    status,
    etag: entry.etag,
    maxAge,
  };
}

/** What a fill produced, served as a `MISS` to the caller whose load ran (or who joined it). */
export function filledAnswer(outcome: FillOutcome): LoadResult<unknown> {
  return {
    outcome: 'served',
    // The stream of this caller's own load is its to read; a stored stream is replayed.
    value:
      outcome.streaming === undefined ? servedValue(outcome.value, outcome.kind) : outcome.value,
    kind: outcome.kind,
    status: 'MISS',
    etag: outcome.etag,
    maxAge: outcome.maxAge,
  };
}
