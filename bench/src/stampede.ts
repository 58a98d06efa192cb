/**
 * Stampede (issue 13): 1000 concurrent calls of one cold key through a tRPC `createCaller`, the
 * origin answering after 20 ms. Reports how often the origin ran (the loader runs; 1 is the
 * goal) and the time until all 1000 calls settled, for routecache, bentocache and cache-manager
 * middlewares, against the floor middleware (no single-flight: every call reaches the origin).
 * Arms take turns in a fresh random order each round; each round uses a new key.
 */
import { type Arm, bentocacheArm, cacheManagerArm, itemRouter, routecacheArm, t } from './arms.js';
import { createFloorMiddleware } from './floor.js';
import { median, printRows, type Row, shuffle } from './harness.js';

const CALLS = 1000;
const ROUNDS = 9;
const ORIGIN_MS = 20;
const TITLE = `stampede: ${CALLS} concurrent cold calls of one key (createCaller, origin ${ORIGIN_MS} ms)`;

interface Contender {
  name: string;
  call: (id: number) => Promise<unknown>;
  runs: () => number;
  dispose: () => Promise<void>;
}

function contender(
  name: string,
  middleware: Arm['middleware'],
  dispose: Arm['dispose'],
): Contender {
  let runs = 0;
  const router = itemRouter(middleware, async (input) => {
    runs++;
    await new Promise((resolve) => setTimeout(resolve, ORIGIN_MS));
    return { id: input.id, name: `item ${input.id}`, price: 100 };
  });
  const caller = t.createCallerFactory(router)({});
  return { name, call: (id) => caller.item({ id }), runs: () => runs, dispose };
}

/** One round of `c`: `CALLS` calls of key `id` at once; ms to settle and origin runs. */
async function stampede(c: Contender, id: number): Promise<{ ms: number; runs: number }> {
  const before = c.runs();
  const start = performance.now();
  await Promise.all(Array.from({ length: CALLS }, () => c.call(id)));
  return { ms: performance.now() - start, runs: c.runs() - before };
}

/** Run the stampede section; ratios are times to settle relative to the floor's. */
export async function runStampedeBench(): Promise<Row[]> {
  const options = { ttlSeconds: 600 };
  const arms = [routecacheArm(options), bentocacheArm(options), cacheManagerArm(options)];
  const floor = contender('floor (no single-flight)', createFloorMiddleware(), async () => {});
  const contenders = [floor, ...arms.map((a) => contender(a.name, a.middleware, a.dispose))];
  const samples = new Map(
    contenders.map((c) => [c.name, { ms: [] as number[], runs: [] as number[] }]),
  );
  let id = 0;
  for (const c of contenders) await stampede(c, --id); // warm-up, on keys no round uses
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of shuffle([...contenders])) {
      const { ms, runs } = await stampede(c, round * contenders.length + contenders.indexOf(c));
      samples.get(c.name)?.ms.push(ms);
      samples.get(c.name)?.runs.push(runs);
    }
  }
  const base = median(samples.get(floor.name)?.ms ?? []) * 1e6;
  const rows = contenders.map((c): Row => {
    const s = samples.get(c.name) ?? { ms: [], runs: [] };
    const medianNs = median(s.ms) * 1e6;
    return {
      section: TITLE,
      name: c.name,
      medianNs,
      ratio: medianNs / base,
      metrics: { loaderRuns: median(s.runs), maxLoaderRuns: Math.max(...s.runs) },
    };
  });
  printRows(TITLE, rows);
  for (const c of contenders) await c.dispose();
  return rows;
}
