/**
 * The parts of the scenario benchmarks that model traffic: a seeded random source, a Zipf key
 * sampler, a simulated origin (latency with jitter, an optional rate limit) and an open-loop
 * driver. Open loop: requests fire at fixed times whether or not earlier ones finished, and each
 * latency is measured from the time the request was due, so queueing behind a slow system shows
 * in the tail instead of slowing the driver down (the coordinated-omission error a closed loop
 * makes).
 */
import { TRPCError } from '@trpc/server';

/** A seeded uniform source on [0, 1) (mulberry32): the same seed, the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A sampler of ranks 0…n-1 with P(k) ∝ 1 / (k + 1)^s (Zipf), by inverse CDF over a table built
 * once (binary search per draw).
 *
 * @example
 * ```ts
 * const nextKey = zipf(1000, 1.0, seededRandom(42));
 * nextKey(); // 0 about 13% of the time, 999 about 0.01%
 * ```
 */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s;
    cdf[k] = total;
  }
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] ?? 0) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Options of {@link createOrigin}. */
export interface OriginOptions {
  latencyMs: number;
  /** Latency varies uniformly within ± this. */
  jitterMs: number;
  seed: number;
  /** Calls started within any one second beyond this are refused (HTTP 429). */
  maxCallsPerSecond?: number;
}

/** A simulated upstream: `call()` resolves after its latency, or is refused over the limit. */
export interface Origin {
  call<T>(answer: () => T): Promise<T>;
  /** Answer at once (prewarming), still counted. */
  instant: boolean;
  readonly calls: number;
  readonly refused: number;
}

/**
 * A simulated origin with latency (`setTimeout`, seeded jitter) and an optional rate limit over a
 * sliding one-second window.
 *
 * @example
 * ```ts
 * const origin = createOrigin({ latencyMs: 20, jitterMs: 5, seed: 1, maxCallsPerSecond: 50 });
 * const product = await origin.call(() => ({ id: 1 })); // ~20 ms later, or a 429 TRPCError
 * ```
 */
export function createOrigin(options: OriginOptions): Origin {
  const random = seededRandom(options.seed);
  const starts: number[] = [];
  let calls = 0;
  let refused = 0;
  const origin: Origin = {
    instant: false,
    get calls() {
      return calls;
    },
    get refused() {
      return refused;
    },
    async call(answer) {
      calls++;
      const limit = options.maxCallsPerSecond;
      if (limit !== undefined) {
        const now = performance.now();
        while (starts.length > 0 && (starts[0] ?? 0) <= now - 1000) starts.shift();
        if (starts.length >= limit) {
          refused++;
          throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'origin rate limit' });
        }
        starts.push(now);
      }
      if (!origin.instant) {
        const ms = options.latencyMs + (random() * 2 - 1) * options.jitterMs;
        await new Promise((resolve) => setTimeout(resolve, ms));
      }
      return answer();
    },
  };
  return origin;
}

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  /** Requests per second, fired at fixed intervals. */
  rate: number;
  /** Unmeasured window first (ms). */
  warmupMs: number;
  /** Measured window (ms). */
  durationMs: number;
  /** Request number `i`; resolves when it completed (rejects on an error). */
  request: (i: number) => Promise<unknown>;
}

/** What {@link runOpenLoop} measured over its measured window. */
export interface OpenLoopResult {
  /** Milliseconds from each measured request's due time to its completion, sorted. */
  latencies: Float64Array;
  measured: number;
  errors: number;
  /** How far behind schedule the driver fell at worst (ms): large means the host was saturated. */
  maxLagMs: number;
}

/**
 * Fire `rate` requests a second for `warmupMs + durationMs`, on schedule regardless of
 * completions, and wait for all to finish. A request due while the driver was busy fires as soon
 * as it can, its latency still counted from its due time.
 *
 * @example
 * ```ts
 * const { latencies } = await runOpenLoop({ rate: 400, warmupMs: 500, durationMs: 2000, request });
 * percentile(latencies, 0.99);
 * ```
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const interval = 1000 / options.rate;
  const total = Math.floor(((options.warmupMs + options.durationMs) * options.rate) / 1000);
  const firstMeasured = Math.ceil((options.warmupMs * options.rate) / 1000);
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  let maxLagMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    const due = t0 + i * interval;
    if (due > now) {
      await new Promise((resolve) => setTimeout(resolve, due - now));
      continue;
    }
    // Every request due by now fires now.
    for (; i < total && t0 + i * interval <= performance.now(); i++) {
      const dueAt = t0 + i * interval;
      maxLagMs = Math.max(maxLagMs, performance.now() - dueAt);
      const measured = i >= firstMeasured;
      pending.push(
        options.request(i).then(
          () => {
            if (measured) latencies.push(performance.now() - dueAt);
          },
          () => {
            if (measured) errors++;
          },
        ),
      );
    }
  }
  await Promise.all(pending);
  return {
    latencies: Float64Array.from(latencies).sort(),
    measured: total - firstMeasured,
    errors,
    maxLagMs,
  };
}

/** The `q` quantile (0…1) of sorted `values`, nearest rank; 0 for none. */
export function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) return 0;
  return values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)] ?? 0;
}
