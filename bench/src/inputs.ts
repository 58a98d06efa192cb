import { engineHitArms } from './engine-arms.js';
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
    const { cache, floor, getOrLoad } = await engineHitArms(route, input, value);
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
          fn: floor,
        },
        contenders: [{ name: `routecache, ${fields} fields`, fn: getOrLoad }],
      })),
    );
    await cache.dispose();
  }
  return rows;
}
