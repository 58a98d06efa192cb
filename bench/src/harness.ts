/**
 * Side-by-side micro-benchmark harness. Machines here are shared and noisy, so absolute times
 * mean little: every comparison runs its contenders interleaved (round-robin, in a fresh random
 * order each round) inside one process, times each contender over a batch of calls per sample,
 * and reports per-contender medians and the ratio of medians against the baseline.
 */

/** One contender: a function run `batch` times per sample. May return a promise. */
export type BenchFn = () => unknown;

/** A contender in a comparison. */
export interface Contender {
  name: string;
  fn: BenchFn;
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Section title printed above the table. */
  title: string;
  /** The reference every ratio is relative to. */
  baseline: Contender;
  /** The others, each reported as `median(contender) / median(baseline)`. */
  contenders: readonly Contender[];
  /** Calls per sample. @default 2_000 */
  batch?: number;
  /** Samples per contender. @default 41 */
  rounds?: number;
  /** Untimed calls per contender before measuring. @default batch * 5 */
  warmup?: number;
}

/** Result row of one contender. */
export interface Row {
  section: string;
  name: string;
  /** Median nanoseconds per call. */
  medianNs: number;
  /** Median ns of this contender / median ns of the baseline (1 for the baseline). */
  ratio: number;
  /** What `medianNs` counts when it is not nanoseconds per call (`'B'`: bytes per entry). */
  unit?: string;
  /** Further measures of the row by name (e.g. `originCallsPerRequest`), shown as columns. */
  metrics?: Record<string, number>;
}

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

async function timeBatch(fn: BenchFn, batch: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < batch; i++) {
    const out = fn();
    if (isPromise(out)) await out;
  }
  return ((performance.now() - start) * 1e6) / batch;
}

/** The median of `values` (0 for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** `items`, shuffled in place (Fisher–Yates). */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * Run a side-by-side comparison and print its table.
 *
 * @example
 * ```ts
 * const rows = await compare({
 *   title: 'hit path',
 *   baseline: { name: 'lru.get', fn: () => lru.get(key) },
 *   contenders: [{ name: 'routecache', fn: () => cache.getOrLoad(req) }],
 * });
 * ```
 */
export async function compare(options: CompareOptions): Promise<Row[]> {
  const batch = options.batch ?? 2_000;
  const rounds = options.rounds ?? 41;
  const all = [options.baseline, ...options.contenders];
  for (const c of all) await timeBatch(c.fn, options.warmup ?? batch * 5);
  const samples = new Map<string, number[]>(all.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of shuffle([...all])) samples.get(c.name)?.push(await timeBatch(c.fn, batch));
  }
  const base = median(samples.get(options.baseline.name) ?? []);
  const rows = all.map((c) => {
    const m = median(samples.get(c.name) ?? []);
    return { section: options.title, name: c.name, medianNs: m, ratio: m / base };
  });
  printRows(options.title, rows);
  return rows;
}

/** A row's median in its unit: `1.23 ms`, `456 ns`, `1035 B`. */
export function formatMedian(row: Pick<Row, 'medianNs' | 'unit'>): string {
  const v = row.medianNs;
  if (row.unit !== undefined) return `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${row.unit}`;
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} s`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} ms`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)} µs`;
  return `${v.toFixed(0)} ns`;
}

/** A metric's value: integers as is, others to 3 significant digits. */
export function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

/** Print a section's rows as an aligned table (metrics, if any, after the ratio). */
export function printRows(title: string, rows: readonly Row[]): void {
  console.log(`\n## ${title}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const metrics = Object.entries(r.metrics ?? {})
      .map(([name, value]) => `  ${name} ${formatMetric(value)}`)
      .join('');
    console.log(
      `  ${r.name.padEnd(width)}  ${formatMedian(r).padStart(12)}  ${r.ratio.toFixed(2)}×${metrics}`,
    );
  }
}
