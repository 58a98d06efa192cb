/**
 * Regression (issue 8, item 9): a foreign message on the bus channel — `PUBLISH <channel> null`,
 * `1`, `{"m":null}`, an invalidate without `baseKeys`, `tags: null` — threw a TypeError inside
 * ioredis' data handler and killed every subscriber process. Now every message is validated;
 * anything malformed is ignored, reported (`onInvalidMessage`) and warned about once.
 *
 * The subscriber runs in a child process (a real cache on a tiered store with a redisBus, on a
 * real redis-server), so a crash is a dead process, not an error vitest catches. After each
 * payload a valid invalidation is published: it must arrive, which proves the process is alive
 * and its subscription still works. fast-check publishes arbitrary JSON values, strings, bytes
 * and near-miss envelopes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { redisBus } from '@routecache/core/redis';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../support/redis-clients.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

type Fact =
  | { event: 'ready' }
  | { event: 'message'; message: { type: string; baseKeys?: string[] } }
  | { event: 'invalid'; problem: string }
  | { event: 'warning'; code: string };

const CHANNEL = 'routecache:bus';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('./bus-subscriber.child.ts', import.meta.url));

/** The subscriber process and every fact it printed, in order. */
class Subscriber {
  readonly facts: Fact[] = [];
  readonly #child: ChildProcess;
  #exit: string | undefined;
  #stderr = '';
  #wake: (() => void) | undefined;

  constructor(port: number) {
    this.#child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', childScript, String(port), CHANNEL],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pending = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.facts.push(JSON.parse(line) as Fact);
      this.#wake?.();
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString('utf8');
    });
    this.#child.once('exit', (code, signal) => {
      this.#exit = `exited (code ${code}, signal ${signal}): ${this.#stderr.slice(-2000)}`;
      this.#wake?.();
    });
  }

  /** Wait until a fact matches (from index `from` on); fails at once if the process died. */
  async until(match: (fact: Fact) => boolean, from = 0, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.facts.findIndex((fact, index) => index >= from && match(fact));
      if (at >= 0) return at;
      if (this.#exit !== undefined) throw new Error(`the subscriber ${this.#exit}`);
      if (Date.now() > deadline) throw new Error(`no matching fact within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  stop(): void {
    this.#child.kill('SIGKILL');
  }
}

describe.skipIf(!redisAvailable())('foreign messages on the bus channel', () => {
  let server: RedisServer;
  let raw: Redis;
  let subscriber: Subscriber;
  let publisher: ReturnType<typeof redisBus>;
  let markers = 0;

  beforeAll(async () => {
    server = await startRedis();
    raw = await connect(server);
    // A generous budget: on a busy machine a 40 ms publish budget would open the breaker.
    publisher = redisBus({ client: raw, channel: CHANNEL, timeout: 10_000 });
    subscriber = new Subscriber(server.port);
    await subscriber.until((fact) => fact.event === 'ready', 0, 30_000);
  }, 40_000);

  afterAll(async () => {
    subscriber?.stop();
    await publisher?.dispose();
    raw?.disconnect();
    await server?.stop();
  });

  /**
   * Publish `payload` raw, then a valid invalidation (same connection, so it arrives after),
   * and wait for the invalidation. Returns what the subscriber said about `payload`.
   */
  async function publishThenMarker(payload: string | Buffer): Promise<Fact[]> {
    const from = subscriber.facts.length;
    await raw.publish(CHANNEL, payload);
    const marker = `marker-${++markers}`;
    await publisher.publish({ type: 'invalidate', baseKeys: [marker] });
    const at = await subscriber.until(
      (fact) => fact.event === 'message' && fact.message.baseKeys?.[0] === marker,
      from,
    );
    return subscriber.facts.slice(from, at).filter((fact) => fact.event !== 'warning');
  }

  it.each([
    'null',
    '1',
    '"text"',
    '[]',
    '{"m":null}',
    '{"o":"peer","m":null}',
    '{"o":"peer","m":{"type":"invalidate"}}',
    '{"o":"peer","m":{"type":"invalidateTags","tags":null}}',
    '{"o":"peer","m":{"type":"delete","keys":[1]}}',
    '{"o":"peer","m":{"type":"nope"}}',
    '{"o":1,"m":{"type":"clear"}}',
    'not json',
  ])('ignores and reports %s, and stays alive', async (payload) => {
    const facts = await publishThenMarker(payload);
    expect(facts).toEqual([{ event: 'invalid', problem: expect.any(String) }]);
    expect(subscriber.alive).toBe(true);
  });

  it('warned once for all of them', () => {
    const warnings = subscriber.facts.filter(
      (fact) => fact.event === 'warning' && fact.code === 'ROUTECACHE_BUS_MESSAGE_INVALID',
    );
    expect(warnings).toHaveLength(1);
  });

  it('still applies a valid foreign message, with only its known fields', async () => {
    const facts = await publishThenMarker(
      JSON.stringify({ o: 'peer', m: { type: 'invalidate', baseKeys: ['k'], extra: 1 }, x: 2 }),
    );
    expect(facts).toEqual([{ event: 'message', message: { type: 'invalidate', baseKeys: ['k'] } }]);
  });

  it('fuzz: arbitrary JSON, strings, bytes and near-miss envelopes never kill it', async () => {
    const anyJson = fc.jsonValue();
    const nearMiss = fc.record(
      {
        o: fc.oneof(fc.string(), anyJson),
        m: fc.oneof(
          anyJson,
          fc.record(
            {
              type: fc.oneof(
                fc.constantFrom('invalidate', 'invalidateTags', 'delete', 'clear'),
                anyJson,
              ),
              baseKeys: fc.oneof(fc.array(fc.string()), anyJson),
              tags: fc.oneof(fc.array(fc.string()), anyJson),
              keys: fc.oneof(fc.array(fc.string()), anyJson),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const payload = fc.oneof(
      anyJson.map((value) => JSON.stringify(value)),
      nearMiss.map((value) => JSON.stringify(value)),
      fc.string({ unit: 'binary' }),
      fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (sent) => {
        const facts = await publishThenMarker(sent);
        // Exactly one outcome per payload: applied (a valid message) or reported.
        expect(facts).toHaveLength(1);
        expect(['message', 'invalid']).toContain(facts[0]?.event);
      }),
      { numRuns: 300 },
    );
    expect(subscriber.alive).toBe(true);
  }, 120_000);
});
