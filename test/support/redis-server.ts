/**
 * Real redis-server processes for tests and benches: a single node or a 3-master cluster, each on
 * free loopback ports, in a temp dir, without persistence, killed (process group) on teardown.
 * Never the shared server on 6379.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const INSTALL_HINT = 'apt-get update && apt-get install -y redis-server';

function findBinary(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether `redis-server` and `redis-cli` are on PATH. Missing in CI (`CI=true`): throws with the
 * install command. Missing elsewhere: prints a loud warning once and returns false, so suites
 * `describe.skipIf(!redisAvailable())` visibly.
 *
 * @throws {Error} in CI when redis-server is not installed.
 */
export function redisAvailable(): boolean {
  if (availability !== undefined) return availability;
  availability = findBinary('redis-server') && findBinary('redis-cli');
  if (!availability) {
    const message = `redis-server/redis-cli not found on PATH. Install it: ${INSTALL_HINT}`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(
      `\n${'!'.repeat(78)}\n!! SKIPPING the Redis test suites: ${message}\n${'!'.repeat(78)}\n`,
    );
  }
  return availability;
}
let availability: boolean | undefined;

/** A free TCP port on loopback (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port <= 55_535 && (await portIsFree(port + 10_000))) return port;
  }
}

/** Send one inline command and return the raw reply (used before any client exists). */
async function rawCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let data = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.endsWith('\r\n')) {
        socket.end();
        resolve(data);
      }
    });
    socket.connect(port, HOST, () => socket.write(`${command}\r\n`));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await check().catch((error: unknown) => {
        if (error instanceof PortTaken) throw error;
        return false;
      })
    ) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One running redis-server. */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** SIGKILL the process (an outage); `start()` brings it back on the same port, empty. */
  kill(): Promise<void>;
  /** Start again on the same port after `kill()`. */
  start(): Promise<void>;
  /** Kill and remove the temp dir. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child);
});

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function launch(port: number, dir: string, extra: readonly string[]): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--protected-mode',
    'no',
    ...extra,
  ];
  // detached: own process group, so teardown kills it and anything it forks.
  const child = spawn('redis-server', args, { detached: true, stdio: 'ignore' });
  live.add(child);
  child.once('exit', () => live.delete(child));
  // Ready when *this* process answers: another one may have taken the port since it was probed.
  await waitFor(async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new PortTaken(`redis-server exited at start (port ${port} taken?)`);
    }
    return (await rawCommand(port, 'INFO server')).includes(`process_id:${child.pid}\r\n`);
  }, `redis :${port}`).catch((error: unknown) => {
    killGroup(child);
    throw error;
  });
  return child;
}

/** The server could not bind its port (another process took it after it was probed). */
class PortTaken extends Error {}

/** Retry `start` on fresh ports when the one it probed was taken meanwhile. */
async function onFreshPort<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

function node(port: number, dir: string, extra: readonly string[]) {
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    host: HOST,
    port,
    async kill() {
      if (child === undefined) return;
      const current = child;
      child = undefined;
      killGroup(current);
      await exited(current);
    },
    async start() {
      if (child === undefined) child = await launch(port, dir, extra);
    },
    async stop() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * Start a single redis-server on a free loopback port.
 *
 * @example
 * ```ts
 * const server = await startRedis();
 * const redis = new Redis({ host: server.host, port: server.port });
 * afterAll(() => server.stop());
 * ```
 */
export async function startRedis(): Promise<RedisServer> {
  return onFreshPort(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routecache-redis-'));
    const server = node(await freePort(), dir, []);
    try {
      await server.start();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  });
}

/** A running 3-master Redis Cluster. */
export interface RedisCluster {
  readonly nodes: readonly { host: string; port: number }[];
  stop(): Promise<void>;
}

/**
 * Start a 3-master Redis Cluster (no replicas) on free loopback ports and wait until
 * `cluster_state:ok` on every node.
 *
 * @example
 * ```ts
 * const cluster = await startRedisCluster();
 * const client = new Cluster(cluster.nodes);
 * ```
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const server = await onFreshPort(async () => {
        const dir = mkdtempSync(join(tmpdir(), 'routecache-cluster-'));
        const started = node(await freeClusterPort(), dir, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, 'nodes.conf'),
          '--cluster-node-timeout',
          '2000',
        ]);
        try {
          await started.start();
        } catch (error) {
          await started.stop();
          throw error;
        }
        return started;
      });
      servers.push(server);
    }
    const addresses = servers.map((s) => `${HOST}:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-yes'], {
      timeout: 30_000,
    });
    for (const server of servers) {
      await waitFor(
        async () => (await rawCommand(server.port, 'CLUSTER INFO')).includes('cluster_state:ok'),
        `cluster state ok on :${server.port}`,
        20_000,
      );
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
  return {
    nodes: servers.map((s) => ({ host: s.host, port: s.port })),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
