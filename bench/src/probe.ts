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
 * Sections and arms: `engine floor|rc` (the engine section's input), `inputs floor|rc <fields>`,
 * `caller <arm>` / `caller <arm>:floor` (arms of caller.ts: public, private, vary, tags,
 * superjson). `WARM` sets the warm-up calls (default 10,000).
 */
import { probeCallers } from './caller.js';
import { engineHitArms } from './engine-arms.js';
import { inputOf } from './inputs.js';

const [section = 'engine', arm = 'floor', count = '0', fields = '1000'] = process.argv.slice(2);

/** The engine-level arms: the floor (`lru.get(JSON.stringify(key))`) or a routecache hit. */
async function engineArm(input: object): Promise<() => unknown> {
  const arms = await engineHitArms('users.get', input, { id: 42 });
  return arm === 'floor' ? arms.floor : arms.getOrLoad;
}

async function armOf(): Promise<() => unknown> {
  if (section === 'caller') {
    const callers = await probeCallers(arm.replace(/:floor$/, ''));
    return arm.endsWith(':floor') ? callers.floor : callers.routecache;
  }
  if (section === 'engine') return engineArm({ userId: 42, include: ['profile', 'teams'] });
  if (section === 'inputs') return engineArm(inputOf(Number(fields)));
  throw new Error(`unknown probe section: ${section}`);
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
const started = performance.now();
for (let done = 0; done < Number(count); done += 100)
  await run(Math.min(100, Number(count) - done));
const ns = ((performance.now() - started) * 1e6) / Math.max(Number(count), 1);
console.error(`${section} ${arm} ${count}: ${ns.toFixed(0)} ns per call (timing: context only)`);
