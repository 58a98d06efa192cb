/**
 * `bench/results/latest.json`: what one `pnpm bench` run measured, on which machine, under which
 * load. Every run writes it; `pnpm bench:publish` renders BENCHMARKS.md from it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type Row } from './harness.js';
import type { TargetResult } from './targets.js';

/** Where a run's results go. */
export const LATEST_JSON = fileURLToPath(new URL('../results/latest.json', import.meta.url));

/** The machine a run was measured on. */
export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  /** ISO time the run started. */
  date: string;
  /** The 1-minute load average sampled during the run (`os.loadavg()[0]`). */
  load: { min: number; median: number; max: number; samples: number };
  /** `git rev-parse HEAD`, with `+dirty` when the work tree had changes. */
  commit: string;
}

/** The content of latest.json. */
export interface LatestRun {
  /** Every section ran (`pnpm bench` without names). */
  full: boolean;
  /** The section keys that ran, in order. */
  sections: string[];
  /** Seconds each section took (its child process, wall clock). */
  seconds: Record<string, number>;
  machine: Machine;
  rows: Row[];
  targets: TargetResult[];
}

/**
 * Sample `os.loadavg()[0]` every `everyMs` until `stop()`, which returns min/median/max.
 *
 * @example
 * ```ts
 * const load = sampleLoad();
 * await runSections();
 * const { median } = load.stop();
 * ```
 */
export function sampleLoad(everyMs = 3_000): { stop: () => Machine['load'] } {
  const samples = [os.loadavg()[0] ?? 0];
  const timer = setInterval(() => samples.push(os.loadavg()[0] ?? 0), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(os.loadavg()[0] ?? 0);
      return {
        min: Math.min(...samples),
        median: median(samples),
        max: Math.max(...samples),
        samples: samples.length,
      };
    },
  };
}

function gitCommit(): string {
  const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    return git(['rev-parse', 'HEAD']) + (git(['status', '--porcelain']) === '' ? '' : '+dirty');
  } catch {
    return 'unknown';
  }
}

/** This machine, for a run that started at `started` under `load`. */
export function describeMachine(started: Date, load: Machine['load']): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: started.toISOString(),
    load,
    commit: gitCommit(),
  };
}

/** Write `run` to `path` (default latest.json). */
export function writeLatest(run: LatestRun, path = LATEST_JSON): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
}

/** Read a run written by {@link writeLatest}. */
export function readLatest(path = LATEST_JSON): LatestRun {
  return JSON.parse(readFileSync(path, 'utf8')) as LatestRun;
}
