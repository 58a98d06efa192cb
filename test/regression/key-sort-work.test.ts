/**
 * Regression (issue 13, row 8; issue 8, item 7): the canonical encoding sorted object keys by
 * insertion — about n²/4 element moves for keys out of order, so a 20k-key input did ~100M and
 * a 70k-key one blocked the event loop for seconds. The sort is checked structurally, not timed:
 * it runs over an array that counts every element read and write, and must touch each element
 * a bounded number of times (Array#sort reads each once and writes each once); an insertion
 * sort exceeds the budget within its first few hundred keys and is stopped there.
 */
import { deriveBaseKey } from '@routecache/core/adapter';
import { describe, expect, it } from 'vitest';
import { sortKeys } from '../../packages/core/src/keying/canonical.js';

/** `n` distinct keys in a scrambled order (a sorted order would hide the sort). */
function scrambledKeys(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `k${(i * 7919) % n}.${i}`);
}

/** `keys` behind a proxy that counts element reads and writes, throwing past `budget`. */
function counted(keys: string[], budget: number): { keys: string[]; touches: () => number } {
  let touches = 0;
  const touch = (property: string | symbol) => {
    if (typeof property === 'string' && property !== 'length' && ++touches > budget) {
      throw new Error(`over budget: more than ${budget} element reads and writes`);
    }
  };
  const proxy = new Proxy(keys, {
    get(target, property, receiver) {
      touch(property);
      return Reflect.get(target, property, receiver);
    },
    set(target, property, value, receiver) {
      touch(property);
      return Reflect.set(target, property, value, receiver);
    },
  });
  return { keys: proxy, touches: () => touches };
}

describe('object keys are sorted in O(n log n)', () => {
  it('sorting 20k scrambled keys touches each key a bounded number of times', () => {
    const n = 20_000;
    const keys = scrambledKeys(n);
    const expected = [...keys].sort();
    // n log2 n ≈ 286k: generous for any n log n sort; an insertion sort needs ~n²/4 = 100M.
    const { keys: sorted, touches } = counted(keys, Math.ceil(n * Math.log2(n)));
    sortKeys(sorted);
    expect(keys).toEqual(expected);
    expect(touches()).toBeLessThanOrEqual(4 * n);
  });

  it('a 20k-field input keys the same in any field order', () => {
    const keys = scrambledKeys(20_000);
    const forward: Record<string, number | undefined> = Object.fromEntries(
      keys.map((key, i) => [key, i % 7]),
    );
    const backward = Object.fromEntries([...keys].reverse().map((key) => [key, forward[key]]));
    // Over the 64 KiB bound when every field has a value: only a few hundred keep one, the rest
    // are undefined (keyed as absent) — so the key is derived, sorted, and must not depend on order.
    for (const [i, key] of keys.entries()) {
      if (i % 50 !== 0) {
        forward[key] = undefined;
        backward[key] = undefined;
      }
    }
    const key = deriveBaseKey('api', 'search', forward);
    expect(deriveBaseKey('api', 'search', backward)).toBe(key);
  });
});
