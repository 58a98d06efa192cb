/**
 * Key derivation vs `JSON.stringify` of the same input (issue: the hit path derives the key on
 * every call and must cost at most ~2× `JSON.stringify(input)`). Measured on the two typical
 * input shapes: one key, and five unsorted keys with a nested array. Then the variant digest that
 * a route with `vary` or `scope: 'private'` computes for each new combination of header values
 * and principal (the adapter memoises it per route), against the same baseline.
 */
import { deriveBaseKey, deriveVariant } from '@routecache/core/adapter';
import { compare, type Row } from './harness.js';

const inputs: Record<string, object> = {
  '{ userId: 42 }': { userId: 42 },
  '5 keys': { page: 1, q: 'abc', sort: 'name', desc: false, tags: ['a', 'b'] },
};

/** Run the keying section; returns its rows (ratios relative to `JSON.stringify(input)`). */
export async function runKeyingBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [shape, input] of Object.entries(inputs)) {
    rows.push(
      ...(await compare({
        title: `key derivation, ${shape}`,
        batch: 20_000,
        baseline: { name: 'JSON.stringify(input)', fn: () => JSON.stringify(input) },
        contenders: [
          {
            name: "deriveBaseKey('api', 'users.get', input)",
            fn: () => deriveBaseKey('api', 'users.get', input),
          },
        ],
      })),
    );
  }
  const input = inputs['{ userId: 42 }'];
  const vary = [['accept-language', 'fr-FR,fr;q=0.9']] as const;
  rows.push(
    ...(await compare({
      title: 'variant derivation (vary + private principal)',
      batch: 20_000,
      baseline: { name: 'JSON.stringify(input)', fn: () => JSON.stringify(input) },
      contenders: [
        {
          name: "deriveBaseKey('api', 'users.get', input)",
          fn: () => deriveBaseKey('api', 'users.get', input),
        },
        { name: 'deriveVariant(1 header, principal)', fn: () => deriveVariant(vary, 'user-42') },
      ],
    })),
  );
  return rows;
}
