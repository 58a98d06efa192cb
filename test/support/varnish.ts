/**
 * A real varnishd (Debian `varnish` + `varnish-modules` for vmod xkey) for tests and the CDN
 * demo: on a free loopback port, its own working directory (`-n`), malloc storage, running the
 * example's VCL with the backend pointed at the server under test. Stopped by its process group.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './redis-server.js';

const run = promisify(execFile);
const INSTALL_HINT = 'apt-get update && apt-get install -y varnish varnish-modules';

/** The VCL of `examples/cdn`: the one the demo runs, so the test proves the shipped file. */
export const EXAMPLE_VCL = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../examples/cdn/default.vcl',
);

/**
 * Whether `varnishd`, `varnishstat` and vmod xkey are installed. Missing in CI (`CI=true`):
 * throws with the install command. Missing elsewhere: warns loudly once and returns false, so
 * suites `describe.skipIf(!varnishAvailable())` visibly.
 *
 * @throws {Error} in CI when Varnish or varnish-modules is not installed.
 */
export function varnishAvailable(): boolean {
  if (availability !== undefined) return availability;
  availability =
    spawnSync('varnishd', ['-V'], { stdio: 'ignore' }).status === 0 &&
    spawnSync('varnishstat', ['-V'], { stdio: 'ignore' }).status === 0 &&
    compiles(readFileSync(EXAMPLE_VCL, 'utf8'));
  if (!availability) {
    const message = `varnishd with vmod xkey not found. Install it: ${INSTALL_HINT}`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(
      `\n${'!'.repeat(78)}\n!! SKIPPING the Varnish suites: ${message}\n${'!'.repeat(78)}\n`,
    );
  }
  return availability;
}
let availability: boolean | undefined;

/** `varnishd -C` compiles the VCL (and loads its vmods) without starting anything. */
function compiles(vcl: string): boolean {
  const dir = workDir('routecache-varnish-check-');
  try {
    writeFileSync(join(dir, 'check.vcl'), vcl);
    const args = ['-C', '-f', join(dir, 'check.vcl'), '-n', join(dir, 'n')];
    return spawnSync('varnishd', args, { stdio: 'ignore' }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A temp dir varnishd can read: run as root, it reads the VCL as its unprivileged user. */
function workDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * The VCL at `path` with its backend pointed at `port` on loopback.
 *
 * @throws {Error} when the VCL has no `.port = "…";` to replace.
 */
export function vclFor(path: string, port: number): string {
  const vcl = readFileSync(path, 'utf8');
  const pointed = vcl.replace(/\.port = "\d+";/, `.port = "${port}";`);
  if (pointed === vcl) throw new Error(`${path} has no backend .port to point at ${port}`);
  return pointed;
}

/** A running varnishd. */
export interface Varnish {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** `varnishstat -1` counters, by name (`MAIN.cache_hit`, `MAIN.cache_miss`, …). */
  stats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * Start varnishd with `vcl` (text) on a free loopback port; resolves once it answers HTTP.
 *
 * @example
 * ```ts
 * const varnish = await startVarnish(vclFor(EXAMPLE_VCL, server.port));
 * await fetch(`${varnish.url}/trpc/users.get?input=…`);
 * ```
 */
export async function startVarnish(vcl: string): Promise<Varnish> {
  const dir = workDir('routecache-varnish-');
  const vclPath = join(dir, 'default.vcl');
  writeFileSync(vclPath, vcl);
  const workdir = join(dir, 'n');
  const port = await freePort();
  const child: ChildProcess = spawn(
    'varnishd',
    ['-F', '-f', vclPath, '-n', workdir, '-a', `127.0.0.1:${port}`, '-s', 'malloc,32m'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;

  // Ready when it answers (a synthetic 400 for a PURGE without keys needs no backend).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`varnishd exited:\n${output}`);
    try {
      const response = await fetch(url, { method: 'PURGE' });
      await response.text();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`varnishd did not answer within 30 s:\n${output}`);
      await new Promise((wake) => setTimeout(wake, 50));
    }
  }

  return {
    url,
    port,
    async stats() {
      const { stdout } = await run('varnishstat', ['-1', '-n', workdir]);
      const counters: Record<string, number> = {};
      for (const line of stdout.split('\n')) {
        const [name, value] = line.trim().split(/\s+/);
        if (name !== undefined && value !== undefined) counters[name] = Number(value);
      }
      return counters;
    },
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        process.kill(-child.pid, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
