/**
 * `pnpm bench`: every section side by side in one run, then a summary of the targets.
 * Ratios are medians of interleaved samples (see harness.ts); absolute times are for context only.
 *
 * Each section runs in a process of its own: what one section loads must not tilt another's
 * numbers (with the Redis section's imports loaded first, the memory engine's hit path measured
 * ~40% slower, cause unknown: a bare await loop was unaffected).
 *
 * `pnpm bench engine redis` runs only the named sections. `memory` (heap held after floods of 1M
 * keys, issue 8) runs with `--expose-gc` and starts a redis-server of its own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Row } from './harness.js';

const sections: Record<string, () => Promise<Row[]>> = {
  caller: async () => (await import('./caller.js')).runCallerBench(),
  engine: async () => (await import('./engine.js')).runEngineBench(),
  inputs: async () => (await import('./inputs.js')).runInputsBench(),
  keying: async () => (await import('./keying.js')).runKeyingBench(),
  codec: async () => (await import('./codec.js')).runCodecBench(),
  redis: async () => (await import('./redis.js')).runRedisBench(),
  codegen: async () => (await import('./codegen.js')).runCodegenBench(),
  memory: async () => (await import('./memory.js')).runMemoryBench(),
};

/** Node flags a section's process needs beyond this one's. */
const sectionFlags: Record<string, readonly string[]> = { memory: ['--expose-gc'] };

/** Marks the line a section's child process prints its rows on (JSON). */
const ROWS = '@@rows ';

/** Run one section in a child process (same loader and conditions); its tables stream through. */
function runIsolated(name: string): Row[] {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      ...(sectionFlags[name] ?? []),
      fileURLToPath(import.meta.url),
      '--section',
      name,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  let rows: Row[] | undefined;
  for (const line of child.stdout.split('\n')) {
    if (line.startsWith(ROWS)) rows = JSON.parse(line.slice(ROWS.length)) as Row[];
    else console.log(line);
  }
  if (child.status !== 0 || rows === undefined) {
    throw new Error(`bench section "${name}" failed (exit ${child.status ?? child.signal})`);
  }
  return rows;
}

/**
 * A target on one row of a section. `ratio`: the row's median / its section baseline's median must
 * stay at or under `limit`. `speedup`: `against`'s median / the row's median must reach `limit`.
 */
type Target = { issue: string; what: string; section: string; row: string; limit: number } & (
  | { kind: 'ratio' }
  | { kind: 'speedup'; against: string }
);

const targets: readonly Target[] = [
  {
    issue: '#2',
    what: 'engine hit path ≤ 2× lru.get + JSON.stringify',
    kind: 'ratio',
    section: 'engine hit path',
    row: 'routecache',
    limit: 2,
  },
  {
    issue: '#2',
    what: 'engine hit path ≥ 3× faster than bentocache getOrSet',
    kind: 'speedup',
    section: 'engine hit path',
    row: 'routecache',
    against: 'bentocache',
    limit: 3,
  },
  {
    issue: '#3',
    what: 'redis store hit ≥ 0.8× raw ioredis GET (sequential)',
    kind: 'ratio',
    section: 'redis hit, sequential',
    row: 'redisStore.get',
    limit: 1 / 0.8,
  },
  {
    issue: '#3',
    what: 'redis store hit ≥ 0.8× raw ioredis GET (in flight)',
    kind: 'ratio',
    section: 'in flight',
    row: 'redisStore.get',
    limit: 1 / 0.8,
  },
  {
    issue: '#3',
    what: 'tiered L1 hit ≥ 0.9× memory store',
    kind: 'ratio',
    section: 'tiered L1 hit',
    row: 'tieredStore',
    limit: 1 / 0.9,
  },
  {
    issue: '#5',
    what: 'routecache codegen ≤ 1.0× tsc --noEmit (500 procedures, 50 files)',
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
      kind: 'ratio',
      section: 'memory floods',
      row: `${row}: heap /`,
      limit: 1.25,
    }),
  ),
  {
    issue: '#17',
    what: 'routecache codegen ≤ 0.5× tsc --noEmit (t3 fixture)',
    kind: 'ratio',
    section: 'codegen vs tsc --noEmit, t3 fixture',
    row: 'routecache codegen',
    limit: 0.5,
  },
];

function find(rows: readonly Row[], section: string, row: string): Row | undefined {
  return rows.find((r) => r.section.includes(section) && r.name.includes(row));
}

function verdict(rows: readonly Row[], t: Target): string | undefined {
  const r = find(rows, t.section, t.row);
  if (!r) return undefined;
  if (t.kind === 'ratio') {
    return `${r.ratio.toFixed(2)}× (limit ${t.limit.toFixed(2)}×) ${r.ratio <= t.limit ? 'ok' : 'MISSED'}`;
  }
  const other = find(rows, t.section, t.against);
  if (!other) return undefined;
  const speedup = other.medianNs / r.medianNs;
  return `${speedup.toFixed(1)}× faster (needs ${t.limit}×) ${speedup >= t.limit ? 'ok' : 'MISSED'}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args[0] === '--section') {
    const run = sections[args[1] ?? ''];
    if (!run) throw new Error(`unknown bench section: ${args[1]}`);
    console.log(`${ROWS}${JSON.stringify(await run())}`);
    return;
  }
  const only = args;
  const unknown = only.filter((name) => !(name in sections));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench section(s): ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}`,
    );
  }
  const rows: Row[] = [];
  for (const name of Object.keys(sections)) {
    if (only.length === 0 || only.includes(name)) rows.push(...runIsolated(name));
  }

  console.log('\n## targets');
  for (const t of targets) {
    const line = verdict(rows, t);
    if (line) console.log(`  ${t.issue} ${t.what}: ${line}`);
  }
}

await main();
