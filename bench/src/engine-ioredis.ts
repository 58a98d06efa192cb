/**
 * The engine hit of the engine section, in a process that has loaded ioredis — as every app on
 * Redis has. ioredis 6 declares a subclass of `String` (RESP3 verbatim strings), and from then on
 * V8 no longer inlines String.prototype methods anywhere in the process: a key path that scanned
 * text with `charCodeAt` cost 13.5k instructions per hit instead of 8.7k (callgrind), which is
 * what the engine section alone never showed. Same input, value and arms as `engine.ts`.
 */
import {
  ENGINE_INPUT,
  ENGINE_ROUTE,
  ENGINE_VALUE,
  engineHitArms,
  FLOOR_IN_PROMISE,
} from './engine-arms.js';
import { compare, type Row } from './harness.js';

/** Run the section; returns its rows (ratio relative to `lru.get(JSON.stringify(key))`). */
export async function runEngineIoredisBench(): Promise<Row[]> {
  // Loading it is the point: its modules declare the String subclass when they are evaluated.
  await import('ioredis');
  const { cache, floor, floorInPromise, getOrLoad } = await engineHitArms(
    ENGINE_ROUTE,
    ENGINE_INPUT,
    ENGINE_VALUE,
  );
  const rows = await compare({
    title: 'engine hit, ioredis loaded (a String subclass declared)',
    baseline: { name: 'lru-cache get + JSON.stringify key', fn: floor },
    contenders: [
      { name: 'routecache getOrLoad', fn: getOrLoad },
      { name: FLOOR_IN_PROMISE, fn: floorInPromise },
    ],
  });
  await cache.dispose();
  return rows;
}
