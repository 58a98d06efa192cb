/**
 * Every target `pnpm bench` checks, and how a run's rows are judged against them. Each target is
 * a ratio of two rows of one section (never an absolute number): the section's title contains
 * `section`, the measured row's name matches `row`, and the other row sits in the same section.
 *
 * Row names match exactly when some row has that exact name, else by the first row whose name
 * contains it (so `floor` picks a row named `floor` over `floor, 1000 fields`).
 */
import type { Row } from './harness.js';

interface TargetBase {
  /** The issue that set it. */
  issue: string;
  /** One line: what is compared, and the bound. */
  what: string;
  /** The key of the `pnpm bench` section (main.ts `sections`) whose rows it reads. */
  key: string;
  /** A substring of the section title. */
  section: string;
  /** The measured row. */
  row: string;
  limit: number;
  /** The value the issue measured before the work on it (same unit as the verdict's value). */
  before?: number;
}

/**
 * `ratio`: the row's median / the baseline's median must stay at or under `limit` (`baseline`:
 * candidate row names, the first present wins; none: the section's own `ratio`). `speedup`:
 * `against`'s median / the row's median must reach `limit`.
 */
export type Target = TargetBase &
  ({ kind: 'ratio'; baseline?: readonly string[] } | { kind: 'speedup'; against: string });

/** How one target fared in a run. */
export interface TargetResult {
  issue: string;
  what: string;
  key: string;
  section: string;
  row: string;
  kind: Target['kind'];
  limit: number;
  before?: number;
  /** The measured ratio (`ratio`) or speedup (`speedup`); absent when not run. */
  value?: number;
  /** The row compared against (the baseline, or `against`). */
  versus?: string;
  verdict: 'ok' | 'MISSED' | 'NOT RUN';
}

/** The `createCaller` variants of row 1, each against its own floor arm when one exists. */
const callerVariants = ['public', 'private', 'vary', 'tags', 'superjson'] as const;

export const targets: readonly Target[] = [
  ...callerVariants.map(
    (variant): Target => ({
      issue: '#13',
      what: `createCaller hit, ${variant}, ≤ 1.05× the floor middleware`,
      key: 'caller',
      kind: 'ratio',
      section: 'trpc caller hit',
      row: `routecache ${variant}`,
      baseline: [`floor ${variant}`, 'floor'],
      limit: 1.05,
      ...(variant === 'public' ? { before: 1.08 } : {}),
    }),
  ),
  {
    issue: '#13',
    what: 'engine hit ≤ 1.3× lru.get + JSON.stringify key',
    key: 'engine',
    kind: 'ratio',
    section: 'engine hit path',
    row: 'routecache getOrLoad',
    baseline: ['lru-cache get + JSON.stringify key'],
    limit: 1.3,
    before: 1.59,
  },
  {
    issue: '#13',
    what: 'engine hit, ioredis loaded (as in every Redis app), ≤ 1.3× the same floor',
    key: 'engine-ioredis',
    kind: 'ratio',
    section: 'engine hit, ioredis loaded',
    row: 'routecache getOrLoad',
    baseline: ['lru-cache get + JSON.stringify key'],
    limit: 1.3,
  },
  {
    issue: '#13',
    what: 'HTTP HIT 200 ≥ 0.95× the floor req/s (time per request ≤ 1/0.95×)',
    key: 'http',
    kind: 'ratio',
    section: 'http',
    row: 'routecache HIT 200',
    baseline: ['floor'],
    limit: 1 / 0.95,
    before: 1 / 0.78,
  },
  {
    issue: '#13',
    what: 'HTTP 304 ≥ 1.05× the req/s of HIT 200',
    key: 'http',
    kind: 'speedup',
    section: 'http',
    row: 'routecache 304',
    against: 'routecache HIT 200',
    limit: 1.05,
    before: 0.95,
  },
  {
    issue: '#13',
    what: 'createCachedHTTPServer alone ≥ 0.98× plain createHTTPServer req/s',
    key: 'http',
    kind: 'ratio',
    section: 'http wrapper',
    row: 'createCachedHTTPServer',
    baseline: ['plain createHTTPServer'],
    limit: 1 / 0.98,
    before: 1 / 0.88,
  },
  {
    issue: '#13',
    what: 'fill (miss + store, 200 B) ≤ 2.5× lru.set + JSON.stringify',
    key: 'fill',
    kind: 'ratio',
    section: 'fill',
    row: 'routecache miss + store',
    baseline: ['lru.set + JSON.stringify'],
    limit: 2.5,
    before: 6.4,
  },
  {
    issue: '#13',
    what: 'heap per kept entry (200 B values) ≤ 1.3× lru-cache',
    key: 'memory',
    kind: 'ratio',
    section: 'memory per entry',
    row: 'routecache memoryStore',
    baseline: ['lru-cache'],
    limit: 1.3,
    before: 3.25,
  },
  {
    issue: '#13',
    what: 'engine hit, input of 1000 fields, ≤ 2× the floor',
    key: 'inputs',
    kind: 'ratio',
    section: 'input size',
    row: 'routecache, 1000 fields',
    baseline: ['floor, 1000 fields'],
    limit: 2,
    before: 8.9,
  },
  {
    issue: '#13',
    what: 'Redis getOrLoad hit, 16 in flight, ≤ 1.15× raw ioredis getBuffer',
    key: 'redis',
    kind: 'ratio',
    section: 'redis hit, 16 in flight',
    row: 'routecache getOrLoad',
    baseline: ['raw ioredis getBuffer'],
    limit: 1.15,
    before: 1.38,
  },
  {
    issue: '#13',
    what: 'Redis getOrLoad hit, sequential, ≤ 1.10× raw ioredis getBuffer',
    key: 'redis',
    kind: 'ratio',
    section: 'redis hit, sequential',
    row: 'routecache getOrLoad',
    baseline: ['raw ioredis getBuffer'],
    limit: 1.1,
    before: 1.16,
  },
  {
    issue: '#16',
    what: 'instrumented hit ≤ 1.15× a plain hit',
    key: 'otel',
    kind: 'ratio',
    section: 'instrumented hit',
    row: 'instrumented hit',
    baseline: ['plain hit'],
    limit: 1.15,
  },
  {
    issue: '#2',
    what: 'engine hit path ≤ 2× lru.get + JSON.stringify',
    key: 'engine',
    kind: 'ratio',
    section: 'engine hit path',
    row: 'routecache',
    limit: 2,
  },
  {
    issue: '#2',
    what: 'engine hit path ≥ 3× faster than bentocache getOrSet',
    key: 'engine',
    kind: 'speedup',
    section: 'engine hit path',
    row: 'routecache',
    against: 'bentocache',
    limit: 3,
  },
  {
    issue: '#3',
    what: 'redis store hit ≥ 0.8× raw ioredis GET (sequential)',
    key: 'redis',
    kind: 'ratio',
    section: 'redis hit, sequential',
    row: 'redisStore.get',
    limit: 1 / 0.8,
  },
  {
    issue: '#3',
    what: 'redis store hit ≥ 0.8× raw ioredis GET (in flight)',
    key: 'redis',
    kind: 'ratio',
    section: 'in flight',
    row: 'redisStore.get',
    limit: 1 / 0.8,
  },
  {
    issue: '#3',
    what: 'tiered L1 hit ≥ 0.9× memory store',
    key: 'redis',
    kind: 'ratio',
    section: 'tiered L1 hit',
    row: 'tieredStore',
    limit: 1 / 0.9,
  },
  {
    issue: '#5',
    what: 'routecache codegen ≤ 1.0× tsc --noEmit (500 procedures, 50 files)',
    key: 'codegen',
    kind: 'ratio',
    section: 'codegen vs tsc',
    row: 'routecache codegen',
    limit: 1,
  },
  ...(
    [
      'memoryStore, true',
      'memoryStore, row objects',
      'tiered L1 (Redis L2 hits)',
      'redis decode memo',
    ] as const
  ).map(
    (row): Target => ({
      issue: '#8',
      what: `${row}: heap held after a 1M-key flood ≤ 1.25× maxBytes`,
      key: 'memory',
      kind: 'ratio',
      section: 'memory floods',
      row: `${row}: heap /`,
      limit: 1.25,
    }),
  ),
  {
    issue: '#17',
    what: 'routecache codegen ≤ 0.5× tsc --noEmit (t3 fixture)',
    key: 'codegen',
    kind: 'ratio',
    section: 'codegen vs tsc --noEmit, t3 fixture',
    row: 'routecache codegen',
    limit: 0.5,
  },
];

/** The row of `rows` named `name` (exactly if one is, else the first containing it). */
function byName(rows: readonly Row[], name: string): Row | undefined {
  return rows.find((r) => r.name === name) ?? rows.find((r) => r.name.includes(name));
}

/** The measured row of `t`, and the rows of its section. */
function measured(rows: readonly Row[], t: Target): { row: Row; peers: Row[] } | undefined {
  const candidates = rows.filter((r) => r.section.includes(t.section));
  const row = byName(candidates, t.row);
  if (row === undefined) return undefined;
  return { row, peers: rows.filter((r) => r.section === row.section) };
}

/** The fields of a result that come from its target alone. */
function resultOf(t: Target): TargetResult {
  return {
    issue: t.issue,
    what: t.what,
    key: t.key,
    section: t.section,
    row: t.row,
    kind: t.kind,
    limit: t.limit,
    ...(t.before === undefined ? {} : { before: t.before }),
    verdict: 'NOT RUN',
  };
}

/** Judge one target on a run's rows. */
export function judge(rows: readonly Row[], t: Target): TargetResult {
  const notRun = resultOf(t);
  const base = notRun;
  const found = measured(rows, t);
  if (found === undefined) return notRun;
  const { row, peers } = found;
  if (t.kind === 'ratio') {
    const versus =
      t.baseline === undefined
        ? undefined
        : t.baseline.map((name) => byName(peers, name)).find((r) => r !== undefined);
    if (t.baseline !== undefined && versus === undefined) return notRun;
    const value = versus === undefined ? row.ratio : row.medianNs / versus.medianNs;
    return {
      ...base,
      value,
      ...(versus ? { versus: versus.name } : {}),
      verdict: value <= t.limit ? 'ok' : 'MISSED',
    };
  }
  const other = byName(peers, t.against);
  if (other === undefined) return notRun;
  const value = other.medianNs / row.medianNs;
  return { ...base, value, versus: other.name, verdict: value >= t.limit ? 'ok' : 'MISSED' };
}

/**
 * Judge the targets of the sections that ran (`ran`: section keys; omitted: every target, as
 * after a full run).
 *
 * @example
 * ```ts
 * const results = judgeAll(rows, ['engine']); // only the engine section's targets
 * ```
 */
export function judgeAll(rows: readonly Row[], ran?: readonly string[]): TargetResult[] {
  return targets.filter((t) => ran === undefined || ran.includes(t.key)).map((t) => judge(rows, t));
}

/** `1.23×` for a ratio, `1.2× faster` for a speedup. */
export function formatValue(kind: Target['kind'], value: number): string {
  return kind === 'ratio' ? `${value.toFixed(2)}×` : `${value.toFixed(2)}× faster`;
}

/** The summary line of one result, as `pnpm bench` prints it. */
export function formatResult(r: TargetResult): string {
  const limit = r.kind === 'ratio' ? `≤ ${r.limit.toFixed(2)}×` : `≥ ${r.limit.toFixed(2)}×`;
  const value = r.value === undefined ? '—' : formatValue(r.kind, r.value);
  const versus = r.versus === undefined ? '' : ` vs ${r.versus}`;
  return `${r.issue} ${r.what}: ${value}${versus} (limit ${limit}) ${r.verdict}`;
}
