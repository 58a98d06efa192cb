/**
 * `pnpm bench`: every section side by side in one run, then a summary of the targets.
 * Ratios are medians of interleaved samples (see harness.ts); absolute times are for context only.
 *
 * Each section runs in a process of its own: what one section loads must not tilt another's
 * numbers. With the Redis section's imports loaded first, the memory engine's hit path once
 * measured ~40% slower: ioredis 6 declares a String subclass, which stops V8 inlining
 * String.prototype methods, and the key path scanned text with `charCodeAt` (it no longer does;
 * the `engine-ioredis` section measures that hit with ioredis loaded, as Redis apps run it).
 *
 * `pnpm bench engine redis` runs only the named sections. `memory` (heap held after floods of 1M
 * keys, issue 8) runs with `--expose-gc` and starts a redis-server of its own.
 *
 * Every run writes bench/results/latest.json (rows, judged targets, machine, load average during
 * the run); `pnpm bench:publish` renders BENCHMARKS.md from it. A full run exits non-zero when a
 * target's row is missing (NOT RUN); a run of named sections only reports it.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Row } from './harness.js';
import { currentCommit, describeMachine, LATEST_JSON, sampleLoad, writeLatest } from './results.js';
import { formatResult, judgeAll } from './targets.js';

// One line per section, so each helper's registration merges cleanly.
const sections: Record<string, () => Promise<Row[]>> = {
  caller: async () => (await import('./caller.js')).runCallerBench(),
  engine: async () => (await import('./engine.js')).runEngineBench(),
  'engine-ioredis': async () => (await import('./engine-ioredis.js')).runEngineIoredisBench(),
  inputs: async () => (await import('./inputs.js')).runInputsBench(),
  keying: async () => (await import('./keying.js')).runKeyingBench(),
  codec: async () => (await import('./codec.js')).runCodecBench(),
  redis: async () => (await import('./redis.js')).runRedisBench(),
  codegen: async () => (await import('./codegen.js')).runCodegenBench(),
  memory: async () => (await import('./memory.js')).runMemoryBench(),
  http: async () => (await import('./http.js')).runHttpBench(),
  stampede: async () => (await import('./stampede.js')).runStampedeBench(),
  scenarios: async () => (await import('./scenarios.js')).runScenariosBench(),
  otel: async () => (await import('./otel.js')).runOtelBench(),
  fill: async () => (await import('./fill.js')).runFillBench(),
};

/** Node flags a section's process needs beyond this one's. */
const sectionFlags: Record<string, readonly string[]> = { memory: ['--expose-gc'] };

/** Marks the line a section's child process prints its rows on (JSON). */
const ROWS = '@@rows ';

/**
 * Run one section in a child process (same loader and conditions); its tables stream through.
 * Asynchronous so the load sampler keeps ticking while the section runs.
 */
async function runIsolated(name: string): Promise<Row[]> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(sectionFlags[name] ?? []),
      fileURLToPath(import.meta.url),
      '--section',
      name,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let rows: Row[] | undefined;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line.startsWith(ROWS)) rows = JSON.parse(line.slice(ROWS.length)) as Row[];
    else console.log(line);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  if (code !== 0 || rows === undefined) {
    throw new Error(`bench section "${name}" failed (exit ${code ?? signal})`);
  }
  return rows;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args[0] === '--section') {
    const run = sections[args[1] ?? ''];
    if (!run) throw new Error(`unknown bench section: ${args[1]}`);
    console.log(`${ROWS}${JSON.stringify(await run())}`);
    return;
  }
  const unknown = args.filter((name) => !(name in sections));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench section(s): ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}`,
    );
  }
  const full = args.length === 0;
  const ran = Object.keys(sections).filter((name) => full || args.includes(name));
  const started = new Date();
  const commit = currentCommit();
  const load = sampleLoad();
  const rows: Row[] = [];
  const seconds: Record<string, number> = {};
  for (const name of ran) {
    const t0 = performance.now();
    rows.push(...(await runIsolated(name)));
    seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
  }
  const machine = describeMachine(started, commit, load.stop());

  // A full run judges every target; a partial one those of the sections it ran.
  const results = judgeAll(rows, full ? undefined : ran);
  console.log('\n## targets');
  for (const r of results) console.log(`  ${formatResult(r)}`);
  console.log(
    `\n## run: ${Object.entries(seconds)
      .map(([name, s]) => `${name} ${s} s`)
      .join(', ')}; load ${machine.load.min.toFixed(2)}–${machine.load.max.toFixed(2)} ` +
      `(median ${machine.load.median.toFixed(2)})`,
  );
  writeLatest({ full, sections: ran, seconds, machine, rows, targets: results });
  console.log(`wrote ${LATEST_JSON}`);
  const notRun = results.filter((r) => r.verdict === 'NOT RUN');
  if (full && notRun.length > 0) {
    console.error(`${notRun.length} target(s) NOT RUN in a full run`);
    process.exitCode = 1;
  }
}

await main();
