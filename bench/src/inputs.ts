/**
 * Input-size scaling of the engine hit path (issue 13, row 8): a memory hit for an input of 1, 10,
 * 100 and 1000 fields, key derivation included, against the floor — `lru.get` keyed by
 * `JSON.stringify([route, input])` — for the same input. Fields come in declaration order, as a
 * schema (zod) returns them, which is not their sorted order (`f10` sorts before `f2`), so the
 * canonical encoding really sorts. Past ~200 bytes a base key's input part is a digest, so the
 * larger sizes also measure the long-key hash.
 */
import { createCache, memoryStore } from '@routecache/core';
import { LRUCache } from 'lru-cache';
import { compare, type Row } from './harness.js';

const route = 'reports.search';
const value = { rows: [{ id: 1, total: 99.5 }], page: 1 };

/** Sizes measured; each is its own comparison (its own floor). */
export const INPUT_SIZES = [1, 10, 100, 1000] as const;

/** An input of `fields` fields, alternating numbers, strings and booleans, in declaration order. */
export function inputOf(fields: number): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (let i = 0; i < fields; i++) {
    input[`f${i}`] = i % 3 === 0 ? i : i % 3 === 1 ? `value-${i}` : i % 2 === 0;
  }
  return input;
}

/** Run the input-size section; per size, ratios relative to that size's floor. */
export async function runInputsBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const fields of INPUT_SIZES) {
    const input = inputOf(fields);
    const lru = new LRUCache<string, object>({ max: 10_000 });
    lru.set(JSON.stringify([route, input]), value);
    const cache = createCache({ store: memoryStore(), ttl: 3600 });
    const load = async () => value;
    const request = () => ({ baseKey: cache.keyFor({ route, input }), load });
    await cache.getOrLoad(request());
    // Fewer calls per sample for the large inputs: a sample stays a few milliseconds long.
    const batch = Math.max(50, Math.floor(20_000 / fields));
    rows.push(
      ...(await compare({
        title: `input size, ${fields} field${fields === 1 ? '' : 's'} (engine hit, memory)`,
        batch,
        rounds: 31,
        // Enough calls for the optimizing compiler to see the large inputs' path as hot.
        warmup: Math.max(batch * 5, 2_000),
        baseline: {
          name: `floor, ${fields} fields`,
          fn: () => lru.get(JSON.stringify([route, input])),
        },
        contenders: [
          { name: `routecache, ${fields} fields`, fn: () => cache.getOrLoad(request()) },
        ],
      })),
    );
    await cache.dispose();
  }
  return rows;
}
