/**
 * Run a real varnishd (Debian `varnish` + `varnish-modules` for vmod xkey) with this example's
 * VCL: a loopback port Varnish picks itself (`-a 127.0.0.1:0`, read back with `varnishadm`),
 * its own working directory (`-n`), malloc storage, stopped by its process group. The demo and
 * routecache's Varnish tests both use it.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The install command for what {@link varnishInstalled} looks for (Debian/Ubuntu). */
export const VARNISH_INSTALL = 'apt-get update && apt-get install -y varnish varnish-modules';

/** This example's VCL. */
export const EXAMPLE_VCL = resolve(dirname(fileURLToPath(import.meta.url)), '../default.vcl');

/** A temp dir varnishd can read: run as root, it reads the VCL as its unprivileged user. */
function workDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Whether varnishd, varnishadm and varnishstat are installed and the example VCL compiles
 * (`varnishd -C`, which loads vmod xkey).
 */
export function varnishInstalled(): boolean {
  for (const tool of ['varnishd', 'varnishadm', 'varnishstat']) {
    if (spawnSync(tool, ['-V'], { stdio: 'ignore' }).error !== undefined) return false;
  }
  const dir = workDir('routecache-varnish-check-');
  try {
    writeFileSync(join(dir, 'check.vcl'), readFileSync(EXAMPLE_VCL, 'utf8'));
    const args = ['-C', '-f', join(dir, 'check.vcl'), '-n', join(dir, 'n')];
    return spawnSync('varnishd', args, { stdio: 'ignore' }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
 * Start varnishd with `vcl` (text); resolves once it listens.
 *
 * @example
 * ```ts
 * const varnish = await startVarnish(vclFor(EXAMPLE_VCL, 3000));
 * await fetch(`${varnish.url}/trpc/users.get?input=…`);
 * await varnish.stop();
 * ```
 */
export async function startVarnish(vcl: string): Promise<Varnish> {
  const dir = workDir('routecache-varnish-');
  const vclPath = join(dir, 'default.vcl');
  writeFileSync(vclPath, vcl);
  const workdir = join(dir, 'n');
  const child: ChildProcess = spawn(
    'varnishd',
    ['-F', '-f', vclPath, '-n', workdir, '-a', '127.0.0.1:0', '-s', 'malloc,32m'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when the management interface reports the address the child listens on.
  let port: number | undefined;
  const deadline = Date.now() + 30_000;
  while (port === undefined) {
    if (child.exitCode !== null) throw new Error(`varnishd exited:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`varnishd did not listen within 30 s:\n${output}`);
    }
    port = await run('varnishadm', ['-n', workdir, 'debug.listen_address']).then(
      ({ stdout }) => Number(stdout.match(/127\.0\.0\.1 (\d+)/)?.[1]) || undefined,
      () => undefined,
    );
  }

  return {
    url: `http://127.0.0.1:${port}`,
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
    stop,
  };
}
