/**
 * One arm of a hit-path comparison, run `n` times after a fixed warm-up, for instruction counts:
 * a shared 2-core machine makes timings noisy, while `valgrind --tool=callgrind` counts the same
 * instructions under any load. Per-call cost = (count at n − count at 0) / n, per arm.
 *
 * ```sh
 * pnpm --filter @routecache/bench exec tsx --conditions=source src/probe.ts engine rc 1000
 * # or bundled (no tsx worker under valgrind), then counted:
 * esbuild src/probe.ts --bundle --platform=node --format=esm --conditions=source --outfile=/tmp/probe.mjs
 * valgrind --tool=callgrind --callgrind-out-file=/dev/null node /tmp/probe.mjs engine rc 50000
 * ```
 *
 * Bundled with `--external:ioredis`, every section runs with ioredis loaded (esbuild hoists that
 * import of the lazily loaded redis arms to the bundle's top), so its String subclass is declared:
 * the counts are those of a Redis app (see bench/README). Through tsx only `redis` and
 * `engine-ioredis` load it.
 *
 * Sections and arms: `engine floor|floor-await|rc` (the engine section's input; `floor-await` is
 * the floor inside an async function, awaited as a routecache call is: the share of a hit that is
 * the harness awaiting a promise), `engine-ioredis <arm>` (the same, ioredis loaded first), `inputs floor|floor-await|rc <fields>`,
 * `fill floor|rc` (the fill section's arms, a fresh key per call; both start full, so every
 * call evicts one entry, as in the section),
 * `caller <arm>` / `caller <arm>:floor` (arms of caller.ts: public, private, vary, tags,
 * superjson), `otel plain|instrumented|timed` (otel.ts's createCaller hit, without or with the
 * OpenTelemetry SDK instrumentation, or with it and `timeL1Hits`), `http <arm>` (a server of the `http` section in this
 * process, loaded by a client process valgrind does not follow: `floor`, `routecache`,
 * `routecache:304` — If-None-Match with the entry's ETag — `plain`, `wrapper`; a call is one
 * request), `redis raw|rc` (a redis-server
 * of the redis section's own, started on a free loopback port: raw ioredis `getBuffer` of
 * routecache's entry or `getOrLoad` over `redisStore`; a call is `IN_FLIGHT` (16) of them in
 * flight at once; redis-server is a process valgrind does not follow). `WARM` sets the warm-up
 * calls (default 10,000; 2,000 for `http`). `ZERO=1` zeroes the callgrind counters after the
 * warm-up (`callgrind_control -z`; for `http` the client zeroes the server's), so one run gives
 * the count:
 * `ZERO=1 valgrind --tool=callgrind node /tmp/probe.mjs http routecache 2000` → Collected / 2000.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeCallers } from './caller.js';
import { ENGINE_INPUT, ENGINE_ROUTE, engineHitArms } from './engine-arms.js';
import { fillArms } from './fill.js';
import { armServer, CONNECTIONS, HTTP_ARMS, type HttpArm, ITEM_PATH } from './http-arms.js';
import { inputOf } from './inputs.js';

const [section = 'engine', arm = 'floor', count = '0', fields = '1000'] = process.argv.slice(2);

/**
 * The engine-level arms: the floor (`lru.get(JSON.stringify(key))`), the floor returning a
 * promise (`floor-await`, an async function: what awaiting any promise adds), or a routecache hit.
 */
async function engineArm(input: object): Promise<() => unknown> {
  const arms = await engineHitArms(ENGINE_ROUTE, input, { id: 42 });
  if (arm === 'floor-await') {
    const { floor } = arms;
    return async () => floor();
  }
  return arm === 'floor' ? arms.floor : arms.getOrLoad;
}

/** Stops what an arm started (the redis section's server and clients). */
let stopArm = async (): Promise<void> => {};

async function armOf(): Promise<() => unknown> {
  if (section === 'redis') {
    if (arm !== 'raw' && arm !== 'rc') throw new Error(`unknown redis arm: ${arm}`);
    // Loaded only here: the other sections never load ioredis.
    const { parallel, redisHitArms } = await import('./redis-arms.js');
    // A budget no call under valgrind runs out of: a timed-out hit would be a fill, not a hit.
    const arms = await redisHitArms(30_000);
    stopArm = arms.stop;
    return parallel(arm === 'raw' ? arms.raw : arms.getOrLoad);
  }
  if (section === 'caller') {
    const callers = await probeCallers(arm.replace(/:floor$/, ''));
    return arm.endsWith(':floor') ? callers.floor : callers.routecache;
  }
  if (section === 'engine') return engineArm(ENGINE_INPUT);
  if (section === 'engine-ioredis') {
    // Evaluating ioredis declares its String subclass (see engine-ioredis.ts).
    await import('ioredis');
    return engineArm(ENGINE_INPUT);
  }
  if (section === 'inputs') return engineArm(inputOf(Number(fields)));
  if (section === 'otel') {
    if (arm !== 'plain' && arm !== 'instrumented' && arm !== 'timed') {
      throw new Error(`unknown otel arm: ${arm}`);
    }
    // Loaded only here: the other sections' counts stay free of the SDK's module set-up.
    const arms = await (await import('./otel.js')).otelArms();
    const { caller } = arms[arm];
    return () => caller.users.get(arms.input);
  }
  if (section === 'fill') {
    const arms = await fillArms();
    return arm === 'floor' ? arms.floor : arms.fill;
  }
  throw new Error(`unknown probe section: ${section}`);
}

/**
 * Under callgrind with `ZERO=1`, zero the counters of `pid` (the probe, or the http server)
 * once it is warm: its final count is then the counted calls' (and its exit's) alone.
 */
async function zeroCounters(pid = process.pid): Promise<void> {
  if (process.env.ZERO !== '1') return;
  const zeroed = spawn('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
  await once(zeroed, 'exit');
}

/**
 * The `http` client (`probe.ts http-client <port> <requests> <conditional>`), a process of its
 * own so its instructions are not counted: `requests` GETs of the item over keep-alive
 * connections, each checked for its status; conditional ones carry the entry's ETag.
 */
async function httpClient(port: number, requests: number, conditional: boolean): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const get = (headers: Record<string, string>) =>
    new Promise<{ status: number; etag: string | undefined }>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', path: ITEM_PATH, agent, headers }, (res) => {
        res.resume();
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, etag: res.headers.etag as string | undefined }),
        );
      });
      req.once('error', reject);
      req.end();
    });
  const first = await get({});
  const warm = requests - Number(process.env.COUNT ?? requests);
  const headers: Record<string, string> =
    conditional && first.etag !== undefined ? { 'if-none-match': first.etag } : {};
  const status = conditional ? 304 : 200;
  const send = async (n: number) => {
    let left = n;
    const connection = async () => {
      for (; left > 0; left--) {
        const answer = await get(headers);
        if (answer.status !== status) throw new Error(`probe http: answered ${answer.status}`);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, connection));
  };
  await send(warm);
  await zeroCounters(process.ppid);
  await send(requests - warm);
  agent.destroy();
}

/** Serve the `http` arm in this process; its client sends `WARM` + `count` requests. */
async function httpProbe(): Promise<void> {
  const [server, mode] = arm.split(':') as [HttpArm, string | undefined];
  if (!HTTP_ARMS.includes(server)) throw new Error(`unknown http arm: ${server}`);
  const listening = armServer(server);
  listening.keepAliveTimeout = 60_000;
  listening.listen(0, '127.0.0.1');
  await once(listening, 'listening');
  const { port } = listening.address() as AddressInfo;
  const warm = Number(process.env.WARM ?? 2_000);
  const requests = warm + Number(count);
  // Context only (callgrind's count is the figure): this process's CPU time over the counted
  // requests, after the warm-up and the client's first request.
  let served = 0;
  let cpu = process.cpuUsage();
  listening.prependListener('request', () => {
    if (++served === warm + 1) cpu = process.cpuUsage();
  });
  const client = spawn(
    process.execPath,
    [process.argv[1] ?? '', 'http-client', String(port), String(requests), String(mode === '304')],
    { stdio: 'inherit', env: { ...process.env, COUNT: count } },
  );
  const [code] = (await once(client, 'exit')) as [number | null];
  listening.close();
  listening.closeAllConnections();
  if (code !== 0) throw new Error(`probe http: the client exited with ${code}`);
  const used = process.cpuUsage(cpu);
  const us = (used.user + used.system) / Math.max(Number(count), 1);
  console.error(`http ${arm} ${count}: ${us.toFixed(1)} µs CPU per request (context only)`);
}

if (section === 'http-client') {
  await httpClient(Number(arm), Number(count), fields === 'true');
  process.exit(0);
}
if (section === 'http') {
  await httpProbe();
  process.exit(0);
}

const fn = await armOf();
// Awaited only when it returns a promise, as the harness does: the floor is synchronous.
const run = async (n: number) => {
  for (let i = 0; i < n; i++) {
    const out = fn();
    if (out instanceof Promise) await out;
  }
};
const warm = Number(process.env.WARM ?? 10_000);
for (let done = 0; done < warm; done += 500) await run(500);
await zeroCounters();
const started = performance.now();
for (let done = 0; done < Number(count); done += 100)
  await run(Math.min(100, Number(count) - done));
const ns = ((performance.now() - started) * 1e6) / Math.max(Number(count), 1);
console.error(`${section} ${arm} ${count}: ${ns.toFixed(0)} ns per call (timing: context only)`);
await stopArm();
