/**
 * examples/next as a real Next.js server for tests: `next build` once per run (from the vitest
 * `next` project's global setup), then `next start` or `next dev` on a free loopback port, ready
 * when it answers, killed (process group) on teardown. Telemetry is off and nothing is fetched.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');
/** The example app's folder. */
export const NEXT_APP = join(REPO, 'examples/next');
const NEXT_BIN = join(NEXT_APP, 'node_modules/next/dist/bin/next');
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

/**
 * Build what `next build` reads — the workspace packages' dist (the example imports
 * @routecache/* as an app would, through their `default` export condition) — then the app.
 * Returns the seconds each step took.
 */
export async function buildNextApp(): Promise<{ packages: number; next: number }> {
  const started = performance.now();
  await run('pnpm', ['turbo', 'run', 'build', '--filter=@routecache/example-next^...'], {
    cwd: REPO,
    env: ENV,
  });
  const packagesDone = performance.now();
  await run(process.execPath, [NEXT_BIN, 'build'], { cwd: NEXT_APP, env: ENV });
  return {
    packages: (packagesDone - started) / 1000,
    next: (performance.now() - packagesDone) / 1000,
  };
}

/** A running Next.js server: its origin, its output so far, and a way to stop it. */
export interface NextServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Start `next start` (the build from {@link buildNextApp}) or `next dev` on a free loopback
 * port; resolves once it says it is ready and has answered `/api/reads`.
 *
 * @param readyTimeoutMs a generous ceiling: `next dev` compiles the route on first request.
 */
export async function startNext(
  mode: 'start' | 'dev',
  readyTimeoutMs = 120_000,
): Promise<NextServer> {
  const port = await freePort();
  // Its own process group, so stop() also ends the dev server's worker processes.
  const child = spawn(process.execPath, [NEXT_BIN, mode, '-H', '127.0.0.1', '-p', String(port)], {
    cwd: NEXT_APP,
    env: ENV,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Printed once the port is listening.
      if (/Ready in/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
  const server: NextServer = {
    origin: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () => stopGroup(child),
  };
  try {
    const signal = AbortSignal.timeout(readyTimeoutMs);
    await Promise.race([
      ready,
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    ]);
    // `next dev` compiles a route on its first request: this one waits for that too.
    const probe = await fetch(`${server.origin}/api/reads`, { signal });
    if (!probe.ok) throw new Error(`/api/reads answered ${probe.status}`);
  } catch (error) {
    await server.stop();
    throw new Error(`next ${mode} did not become ready:\n${output}`, { cause: error });
  }
  return server;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const killed = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(killed);
}
