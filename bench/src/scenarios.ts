/**
 * Scenario benchmarks (issue 13, after unjs/ocache's method): the workloads users compare caches
 * on, driven open-loop (fixed arrival rate, latency from each request's due time) against a
 * simulated origin (20 ms ± 5 ms), keys drawn from a seeded Zipf distribution, every request a
 * `new Request` through tRPC's fetch adapter (`fetchRequestHandler`) in process — routecache's
 * arm wrapped in `withHttpCache` + `withCacheContext`, the others as plain tRPC middlewares.
 *
 * - product page: public, read-heavy, 2,000 products (Zipf s = 1), ~2 KB each, ttl 60 s.
 * - dashboard: private, one entry per user (500 users, Zipf s = 1), ~1 KB, ttl 60 s.
 * - upstream proxy: 300 keys (Zipf s = 1.1) through an origin that refuses calls beyond
 *   50 a second; ttl 1 s, so hot keys are fetched again every second.
 *
 * Every arm sees the same arrival times, the same key sequence and the same origin jitter. The
 * caches are prewarmed (3 × keyspace requests, origin instant) so hit ratios reflect the key
 * distribution rather than the run's length. Per scenario and arm: origin calls per request,
 * p50/p99 latency and their ratio to no cache, refused calls (proxy), and µs added per hit (a
 * side-by-side calibration of warm hits against no cache with an instant origin).
 */
import { withCacheContext, withHttpCache } from '@routecache/trpc';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import {
  type Arm,
  type BenchContext,
  bentocacheArm,
  cacheManagerArm,
  itemRouter,
  noCacheArm,
  routecacheArm,
} from './arms.js';
import { compare, printRows, type Row } from './harness.js';
import { createOrigin, percentile, runOpenLoop, seededRandom, zipf } from './open-loop.js';

interface Scenario {
  id: string;
  title: string;
  keys: number;
  zipfS: number;
  users?: number;
  private?: boolean;
  ttlSeconds: number;
  rate: number;
  maxCallsPerSecond?: number;
  /** The resolver's answer for `id` (and `user`). */
  body: (id: number, user: string | undefined) => object;
}

const filler = (bytes: number) => 'x'.repeat(bytes);

const scenarios: readonly Scenario[] = [
  {
    id: 'product page',
    title: 'read-heavy product page, public (fetch adapter)',
    keys: 2_000,
    zipfS: 1,
    ttlSeconds: 60,
    rate: 400,
    body: (id) => ({ id, name: `product ${id}`, price: id * 3, description: filler(1900) }),
  },
  {
    id: 'dashboard',
    title: 'personalised dashboard, private per user (fetch adapter)',
    keys: 1,
    zipfS: 1,
    users: 500,
    private: true,
    ttlSeconds: 60,
    rate: 400,
    body: (id, user) => ({ id, user, widgets: [1, 2, 3], notes: filler(900) }),
  },
  {
    id: 'upstream proxy',
    title: 'upstream proxy, origin limited to 50 calls/s, ttl 1 s (fetch adapter)',
    keys: 300,
    zipfS: 1.1,
    ttlSeconds: 1,
    rate: 400,
    maxCallsPerSecond: 50,
    body: (id) => ({ id, quote: id * 7, payload: filler(400) }),
  },
];

const ORIGIN = { latencyMs: 20, jitterMs: 5 } as const;
const WARMUP_MS = 300;
const DURATION_MS = 1_500;
/** Prewarm requests per cached arm: 3 × the keyspace, at most this. */
const MAX_PREWARM = 4_000;
const SEED = 13;

/** One request of a scenario: key `id`, from `user`. */
interface Call {
  id: number;
  user: string | undefined;
}

/** The same call sequence for every arm. */
function callSequence(s: Scenario, count: number, seed: number): Call[] {
  const random = seededRandom(seed);
  const key = zipf(s.keys, s.zipfS, random);
  const user = s.users === undefined ? undefined : zipf(s.users, s.zipfS, random);
  return Array.from({ length: count }, () => ({
    id: key(),
    user: user === undefined ? undefined : `user-${user()}`,
  }));
}

const createContext = ({ req }: { req: Request }): BenchContext => ({
  user: req.headers.get('x-user') ?? undefined,
});

/** An arm's fetch handler for scenario `s`, and the origin behind it. */
function handlerFor(s: Scenario, arm: Arm) {
  const origin = createOrigin({ ...ORIGIN, seed: SEED, ...pick(s) });
  const router = itemRouter(arm.middleware, (input, ctx) =>
    origin.call(() => s.body(input.id, ctx.user)),
  );
  const handle = arm.routecacheGlue
    ? withHttpCache((req: Request) =>
        fetchRequestHandler({
          endpoint: '/trpc',
          req,
          router,
          createContext: withCacheContext(createContext),
        }),
      )
    : (req: Request) => fetchRequestHandler({ endpoint: '/trpc', req, router, createContext });
  /** Send one call; resolves to the response status once its body is read. */
  const send = async (call: Call): Promise<number> => {
    const input = encodeURIComponent(JSON.stringify({ id: call.id }));
    const headers: Record<string, string> = call.user === undefined ? {} : { 'x-user': call.user };
    const response = await handle(
      new Request(`http://bench.local/trpc/item?input=${input}`, { headers }),
    );
    await response.arrayBuffer();
    return response.status;
  };
  return { origin, send };
}

function pick(s: Scenario): { maxCallsPerSecond?: number } {
  return s.maxCallsPerSecond === undefined ? {} : { maxCallsPerSecond: s.maxCallsPerSecond };
}

/** What one arm measured in one scenario. */
interface ArmRun {
  name: string;
  p50: number;
  p99: number;
  originCallsPerRequest: number;
  failedPerRequest: number;
  maxLagMs: number;
}

async function runArm(s: Scenario, arm: Arm): Promise<ArmRun> {
  const { origin, send } = handlerFor(s, arm);
  const total = Math.floor(((WARMUP_MS + DURATION_MS) * s.rate) / 1000);
  const calls = callSequence(s, total, SEED);
  // Prewarm: the state a server in steady state already holds (no cache has none to build).
  origin.instant = true;
  const prewarm = arm.name === 'no cache' ? [] : callSequence(s, prewarmCount(s), SEED + 1);
  for (let i = 0; i < prewarm.length; i += 200) {
    await Promise.all(prewarm.slice(i, i + 200).map(send));
  }
  origin.instant = false;
  // Origin calls and failures count over every request of the run (warm-up included): a request
  // fired in the warm-up may call the origin in the measured window, so a window count would skew.
  const callsAtStart = origin.calls;
  let failed = 0;
  const result = await runOpenLoop({
    rate: s.rate,
    warmupMs: WARMUP_MS,
    durationMs: DURATION_MS,
    request: async (i) => {
      const status = await send(calls[i] ?? { id: 0, user: undefined });
      if (status !== 200) failed++;
    },
  });
  await arm.dispose();
  if (s.maxCallsPerSecond === undefined && failed > 0) {
    throw new Error(`scenario ${s.id}, ${arm.name}: ${failed} requests failed`);
  }
  return {
    name: arm.name,
    p50: percentile(result.latencies, 0.5),
    p99: percentile(result.latencies, 0.99),
    originCallsPerRequest: (origin.calls - callsAtStart) / calls.length,
    failedPerRequest: failed / calls.length,
    maxLagMs: result.maxLagMs,
  };
}

const prewarmCount = (s: Scenario) => Math.min(MAX_PREWARM, 3 * s.keys * (s.users ?? 1));

const armsFor = (s: Scenario): Arm[] => {
  const options = { ttlSeconds: s.ttlSeconds, private: s.private ?? false };
  return [noCacheArm(), routecacheArm(options), bentocacheArm(options), cacheManagerArm(options)];
};

/**
 * µs a warm hit adds over serving the request with no cache and an instant origin (no rate
 * limit): each arm's hit of one key against no cache, side by side (harness `compare`).
 */
async function hitCost(scenario: Scenario): Promise<Row[]> {
  const { maxCallsPerSecond: _limit, ...s } = { ...scenario, ttlSeconds: 600 };
  const call: Call = { id: 1, user: s.users === undefined ? undefined : 'user-1' };
  const contenders = armsFor(s).map((arm) => {
    const { origin, send } = handlerFor(s, arm);
    origin.instant = true;
    return { arm, send };
  });
  for (const c of contenders) await c.send(call);
  const [base, ...rest] = contenders.map((c) => ({ name: c.arm.name, fn: () => c.send(call) }));
  if (base === undefined) return [];
  const rows = await compare({
    title: `scenario ${s.id}: one warm hit vs no cache (origin instant)`,
    baseline: base,
    contenders: rest,
    batch: 200,
    rounds: 15,
  });
  for (const c of contenders) await c.arm.dispose();
  return rows;
}

/** Run the scenarios section. */
export async function runScenariosBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of scenarios) {
    const costs = await hitCost(s);
    const title = `scenario ${s.id}: ${s.title}, ${s.rate} req/s open loop`;
    // Arms in turn; a second pass in reverse order evens out drift in the machine's load.
    const runs = new Map<string, ArmRun[]>();
    const order = armsFor(s).map((a) => a.name);
    for (const names of [order, [...order].reverse()]) {
      for (const name of names) {
        const arm = armsFor(s).find((a) => a.name === name);
        if (arm === undefined) continue;
        const run = await runArm(s, arm);
        runs.set(name, [...(runs.get(name) ?? []), run]);
      }
    }
    const mean = (name: string, f: (r: ArmRun) => number) => {
      const list = runs.get(name) ?? [];
      return list.reduce((sum, r) => sum + f(r), 0) / Math.max(1, list.length);
    };
    const noCacheP50 = mean('no cache', (r) => r.p50);
    const noCacheP99 = mean('no cache', (r) => r.p99);
    const baseNs = costs[0]?.medianNs ?? 0;
    const section = order.map((name): Row => {
      const p50 = mean(name, (r) => r.p50);
      const p99 = mean(name, (r) => r.p99);
      const cost = costs.find((c) => c.name === name);
      return {
        section: title,
        name,
        medianNs: p50 * 1e6,
        ratio: p50 / noCacheP50,
        metrics: {
          p99Ms: p99,
          p99VsNoCache: p99 / noCacheP99,
          originCallsPerRequest: mean(name, (r) => r.originCallsPerRequest),
          ...(s.maxCallsPerSecond === undefined
            ? {}
            : { refusedPerRequest: mean(name, (r) => r.failedPerRequest) }),
          usPerHit: cost === undefined ? 0 : (cost.medianNs - baseNs) / 1000,
          maxLagMs: Math.max(...(runs.get(name) ?? []).map((r) => r.maxLagMs)),
        },
      };
    });
    printRows(title, section);
    rows.push(...costs, ...section);
  }
  return rows;
}
