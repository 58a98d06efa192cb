/**
 * HTTP throughput (issue 13, rows 3–5): tRPC's standalone server with and without routecache,
 * loaded by autocannon (50 connections, keep-alive) with a ~2 KB JSON result.
 *
 * Each server arm runs in a process of its own pinned to core 0 (`taskset -c 0`); this process,
 * the load generator, pins itself to core 1, so server and client never compete for a core.
 * The arms are loaded in round-robin time slices (a fresh random order each round) and each
 * arm's figure is the median of its slices' req/s, reported as time per request
 * (`medianNs = 1e9 / req/s`) so lower is better as everywhere else.
 *
 * Sections:
 * - `http`: `floor` (plain createHTTPServer + the lru-cache floor middleware), `routecache HIT
 *   200`, `routecache 304` (If-None-Match matching the entry's ETag), `no cache` (plain server,
 *   the resolver runs every time).
 * - `http wrapper`: `plain createHTTPServer` vs `createCachedHTTPServer`, both on a procedure
 *   without any cache middleware: the glue's own cost.
 *
 * Bounded: each arm is warmed in 1 s loads until its rate settles (two loads in a row within
 * `SETTLED` of each other, at most `MAX_WARMUP_LOADS`: the JIT needs some thousand requests, and
 * a fixed 2 s left the first measured slices of some arms far slower than the rest), then
 * `ROUNDS` rounds of one `SLICE_SECONDS` slice per arm (6 arms; defaults 7 × 1.5 s) — 70–100 s
 * in all. `HTTP_BENCH_ROUNDS` / `HTTP_BENCH_SLICE` shorten it while developing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Row } from './harness.js';
import { printRows } from './harness.js';
import { CONNECTIONS, type HttpArm, ITEM_PATH, PORT_LINE } from './http-arms.js';

const ROUNDS = Number(process.env.HTTP_BENCH_ROUNDS ?? 7);
const SLICE_SECONDS = Number(process.env.HTTP_BENCH_SLICE ?? 1.5);
/** Warm-up: 1 s loads until two in a row are within 5% of each other, at most 6. */
const WARMUP_SECONDS = 1;
const SETTLED = 0.05;
const MAX_WARMUP_LOADS = 6;
/** `/proc` clock ticks per second (USER_HZ; 100 on Linux). */
const CLOCK_TICKS = 100;

const HTTP_SECTION = 'http (standalone, autocannon c=50, 2 KB body)';
const WRAPPER_SECTION = 'http wrapper (createCachedHTTPServer, no cached procedure)';

/** One load configuration: a server process and the request headers it is loaded with. */
interface Arm {
  section: string;
  name: string;
  server: HttpArm;
  /** The status every response must have. */
  status: 200 | 304;
  /** Whether the arm's responses must be routecache hits (`X-Cache: HIT`). */
  hit: boolean;
  /** Send `If-None-Match` with the entry's ETag. */
  conditional: boolean;
  url?: string;
  headers?: Record<string, string>;
  process?: ChildProcess;
  rates: number[];
  /** Server CPU time (user + system, clock ticks) and requests over the measured slices. */
  cpuTicks: number;
  requests: number;
}

function arms(): Arm[] {
  const arm = (
    section: string,
    name: string,
    server: HttpArm,
    extra: Partial<Pick<Arm, 'status' | 'hit' | 'conditional'>> = {},
  ): Arm => ({
    section,
    name,
    server,
    status: 200,
    hit: false,
    conditional: false,
    ...extra,
    rates: [],
    cpuTicks: 0,
    requests: 0,
  });
  return [
    arm(HTTP_SECTION, 'floor', 'floor'),
    arm(HTTP_SECTION, 'routecache HIT 200', 'routecache', { hit: true }),
    arm(HTTP_SECTION, 'routecache 304', 'routecache', {
      hit: true,
      conditional: true,
      status: 304,
    }),
    arm(HTTP_SECTION, 'no cache', 'plain'),
    arm(WRAPPER_SECTION, 'plain createHTTPServer', 'plain'),
    arm(WRAPPER_SECTION, 'createCachedHTTPServer', 'wrapper'),
  ];
}

/** Start the arm's server on core 0; resolves once it listens. */
async function startServer(arm: Arm): Promise<void> {
  const entry = fileURLToPath(new URL('./http-server.ts', import.meta.url));
  const child = spawn(
    'taskset',
    ['-c', '0', process.execPath, ...process.execArgv, entry, arm.server],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  arm.process = child;
  let buffered = '';
  for await (const chunk of child.stdout) {
    buffered += String(chunk);
    const line = buffered.split('\n').find((l) => l.startsWith(PORT_LINE));
    if (line !== undefined) {
      arm.url = `http://127.0.0.1:${line.slice(PORT_LINE.length).trim()}${ITEM_PATH}`;
      return;
    }
  }
  throw new Error(`http bench: the ${arm.server} server exited before listening`);
}

/** Check one response of the arm (status, X-Cache, body size) and learn its If-None-Match. */
async function preflight(arm: Arm): Promise<void> {
  const url = arm.url ?? '';
  const first = await fetch(url);
  const body = await first.text();
  if (first.status !== 200 || body.length < 1900 || body.length > 2200) {
    throw new Error(`http bench: ${arm.name} answered ${first.status} with ${body.length} B`);
  }
  const etag = first.headers.get('etag');
  if (arm.conditional) {
    if (etag === null) throw new Error(`http bench: ${arm.name} sent no ETag`);
    arm.headers = { 'if-none-match': etag };
  }
  const checked = await fetch(url, { headers: arm.headers ?? {} });
  await checked.arrayBuffer();
  const xCache = checked.headers.get('x-cache');
  if (checked.status !== arm.status || (arm.hit ? xCache !== 'HIT' : xCache !== null)) {
    throw new Error(`http bench: ${arm.name} answered ${checked.status}, X-Cache ${xCache}`);
  }
}

/** CPU time the arm's server used so far (user + system, in clock ticks; `/proc/<pid>/stat`). */
function cpuTicksOf(arm: Arm): number {
  const stat = readFileSync(`/proc/${arm.process?.pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Load the arm for `seconds`; its req/s. Every response must have the arm's status. A measured
 * slice also adds up the server's CPU time per request, a figure far steadier than req/s on a
 * busy machine (it does not count the time the server waited for its core).
 */
async function load(arm: Arm, seconds: number, measured = true): Promise<number> {
  const ticks = cpuTicksOf(arm);
  const result = await autocannon({
    url: arm.url ?? '',
    connections: CONNECTIONS,
    duration: seconds,
    headers: arm.headers ?? {},
  });
  const wrong = arm.status === 200 ? result.non2xx : result.requests.total - result['3xx'];
  if (result.errors > 0 || result.timeouts > 0 || wrong > 0) {
    throw new Error(
      `http bench: ${arm.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${wrong} responses not ${arm.status}`,
    );
  }
  if (measured) {
    arm.cpuTicks += cpuTicksOf(arm) - ticks;
    arm.requests += result.requests.total;
  }
  return result.requests.total / result.duration;
}

/** Load the arm, unmeasured, until its rate settles (see the module comment). */
async function warm(arm: Arm): Promise<void> {
  let previous = await load(arm, WARMUP_SECONDS, false);
  for (let loads = 1; loads < MAX_WARMUP_LOADS; loads++) {
    const rate = await load(arm, WARMUP_SECONDS, false);
    if (Math.abs(rate - previous) <= SETTLED * Math.max(rate, previous)) return;
    previous = rate;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function rowsOf(section: string, all: readonly Arm[]): Row[] {
  const inSection = all.filter((arm) => arm.section === section);
  const baseline = 1e9 / median(inSection[0]?.rates ?? []);
  const rows = inSection.map((arm) => {
    const medianNs = 1e9 / median(arm.rates);
    return { section, name: arm.name, medianNs, ratio: medianNs / baseline };
  });
  printRows(section, rows);
  for (const arm of inSection) {
    const cpuUs = ((arm.cpuTicks / CLOCK_TICKS) * 1e6) / arm.requests;
    console.log(
      `    ${arm.name}: server CPU ${cpuUs.toFixed(1)} µs/request; slices ${arm.rates.map((r) => Math.round(r)).join(' ')} req/s`,
    );
  }
  return rows;
}

/** Run the `http` and `http wrapper` sections; returns their rows. */
export async function runHttpBench(): Promise<Row[]> {
  const pinned = spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], {
    encoding: 'utf8',
  });
  if (pinned.status !== 0) throw new Error(`http bench: taskset failed: ${pinned.stderr}`);
  const all = arms();
  try {
    await Promise.all(all.map(startServer));
    for (const arm of all) await preflight(arm);
    for (const arm of all) await warm(arm);
    for (let round = 0; round < ROUNDS; round++) {
      for (const arm of shuffle([...all])) arm.rates.push(await load(arm, SLICE_SECONDS));
    }
  } finally {
    for (const arm of all) arm.process?.kill();
    await Promise.all(
      all.map((arm) => (arm.process?.exitCode === null ? once(arm.process, 'exit') : undefined)),
    );
  }
  const speedup = (a: string, b: string) => {
    const rate = (name: string) => median(all.find((arm) => arm.name === name)?.rates ?? []);
    return (rate(a) / rate(b)).toFixed(2);
  };
  const rows = [...rowsOf(HTTP_SECTION, all), ...rowsOf(WRAPPER_SECTION, all)];
  console.log(`  304 vs HIT 200 req/s: ${speedup('routecache 304', 'routecache HIT 200')}×`);
  console.log(`  HIT 200 vs floor req/s: ${speedup('routecache HIT 200', 'floor')}×`);
  console.log(
    `  load average after the run: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `  createCachedHTTPServer vs plain req/s: ${speedup('createCachedHTTPServer', 'plain createHTTPServer')}×`,
  );
  return rows;
}
