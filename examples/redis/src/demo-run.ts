/**
 * The demo's steps, as a function the smoke test runs too: two instances sharing one real
 * redis-server. Every fact is measured: statuses from `X-Cache`, resolver runs from the db
 * counters, what an L1 holds by asking it. Run it once per process (the db is module state).
 */
import { startRedis } from '../../../test/support/redis-server.js';
import { db } from './db.js';
import { type Instance, startInstance } from './instance.js';

/** One call over HTTP. */
export interface Call {
  instance: string;
  httpStatus: number;
  xCache: string;
  name: string | undefined;
  ms: number;
}

/** What the demo measured. */
export interface DemoFacts {
  /** A's first read of product 1, and A's resolver runs. */
  fill: { call: Call; aRuns: number };
  /** B's first read of product 1: B's L1 before and after, B's resolver runs. */
  shared: { bL1Before: boolean; call: Call; bRuns: number; bL1After: boolean };
  /** A renames product 1 (invalidation on A); B's L1 copy goes away via the bus. */
  bus: {
    removedOnA: number;
    bL1Dropped: boolean;
    droppedWithinMs: number;
    bCall: Call;
    bRuns: number;
  };
  /** redis-server stopped: reads on both instances (cached in L1 and not). */
  failOpen: { calls: Call[]; succeeded: number; runsDuringOutage: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` every 5 ms for up to `ms`; returns how long it took, or -1 if it never held. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await check()) return Math.round(performance.now() - start);
    await sleep(5);
  }
  return -1;
}

async function read(instance: Instance, id: number): Promise<Call> {
  const start = performance.now();
  const response = await fetch(
    `${instance.url}/products.get?input=${encodeURIComponent(JSON.stringify({ id }))}`,
  );
  const body = (await response.json()) as { result?: { data: { name: string } } };
  return {
    instance: instance.name,
    httpStatus: response.status,
    xCache: response.headers.get('x-cache') ?? '-',
    name: body.result?.data.name,
    ms: Math.round(performance.now() - start),
  };
}

const show = (c: Call) =>
  `${c.instance}: ${c.httpStatus} ${c.xCache.padEnd(6)} ${c.name} (${c.ms} ms)`;

/**
 * Start redis-server and two instances, show L2 sharing, bus invalidation and fail-open, stop
 * everything, and return the facts. Needs `redis-server` on PATH.
 *
 * @example
 * ```ts
 * const facts = await runDemo(() => {});
 * facts.shared.call.xCache; // 'HIT' — B served what A stored
 * ```
 */
export async function runDemo(log: (line: string) => void = console.log): Promise<DemoFacts> {
  const redis = await startRedis();
  const instances: Instance[] = [];
  try {
    const a = await startInstance('A', redis);
    instances.push(a);
    const b = await startInstance('B', redis);
    instances.push(b);
    const inL1 = async (instance: Instance) =>
      (await instance.l1.get(instance.keyOf(1))) !== undefined;
    log(`routecache redis demo — redis-server on ${redis.host}:${redis.port}`);
    log(`instance A on ${a.url}, instance B on ${b.url} (each: memory L1 + Redis L2 + bus)\n`);

    log("1. A reads product 1: a MISS, stored in Redis and in A's L1");
    const fill = { call: await read(a, 1), aRuns: db.readsBy('A') };
    log(`   ${show(fill.call)}; A's resolver runs: ${fill.aRuns}\n`);

    log("2. B reads product 1: B's L1 is empty, Redis has it (L2 hit), B's resolver does not run");
    const bL1Before = await inL1(b);
    const sharedCall = await read(b, 1);
    // An L2 hit fills L1 just after it answers.
    const bL1After = (await within(1_000, () => inL1(b))) >= 0;
    const shared = { bL1Before, call: sharedCall, bRuns: db.readsBy('B'), bL1After };
    log(`   B's L1 holds it before: ${bL1Before}; ${show(shared.call)}; after: ${bL1After}`);
    log(`   B's resolver runs: ${shared.bRuns}\n`);

    log("3. A renames product 1 and invalidates it; the bus drops B's L1 copy");
    const renamed = await fetch(`${a.url}/products.rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, name: 'Mechanical keyboard' }),
    });
    const { result } = (await renamed.json()) as { result: { data: { removed: number } } };
    const droppedWithinMs = await within(2_000, async () => !(await inL1(b)));
    const bCall = await read(b, 1);
    const bus = {
      removedOnA: result.data.removed,
      bL1Dropped: droppedWithinMs >= 0,
      droppedWithinMs,
      bCall,
      bRuns: db.readsBy('B'),
    };
    log(`   A removed ${bus.removedOnA} entry; B's L1 dropped it within ${droppedWithinMs} ms`);
    log(`   ${show(bCall)}; B's resolver runs: ${bus.bRuns}\n`);

    log("4. redis-server stopped: every call still answers; fills stay in each instance's L1");
    await redis.kill();
    const runsBefore = db.readsBy('A') + db.readsBy('B');
    const calls = [await read(a, 2), await read(b, 2), await read(a, 2), await read(b, 1)];
    for (const call of calls) log(`   ${show(call)}`);
    const failOpen = {
      calls,
      succeeded: calls.filter((call) => call.httpStatus === 200).length,
      runsDuringOutage: db.readsBy('A') + db.readsBy('B') - runsBefore,
    };
    log(
      `   ${failOpen.succeeded}/${calls.length} succeeded; resolver runs: ${failOpen.runsDuringOutage}`,
    );
    return { fill, shared, bus, failOpen };
  } finally {
    await Promise.all(instances.map((instance) => instance.close()));
    await redis.stop();
  }
}
