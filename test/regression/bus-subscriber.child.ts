/**
 * A subscriber instance for test/regression/bus-foreign-messages.test.ts, run as a child
 * process (tsx, `source` condition): a cache on a tiered store whose bus listens on the given
 * channel. It prints one JSON line per fact — `ready`, each valid `message`, each `invalid`
 * report, each routecache `warning` — so the test can tell it stayed alive and what it saw.
 *
 * Usage: `bus-subscriber.child.ts <redis port> <channel>`
 */
import { createCache, memoryStore, tieredStore } from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';

const [port = '', channel = 'routecache:bus'] = process.argv.slice(2);
const connection = { host: '127.0.0.1', port: Number(port) };
const say = (fact: object) => process.stdout.write(`${JSON.stringify(fact)}\n`);

process.on('warning', (warning) => {
  if (warning.name === 'RoutecacheWarning') {
    say({ event: 'warning', code: (warning as { code?: string }).code });
  }
});

const bus = redisBus({
  connection,
  channel,
  healthCheckInterval: 0,
  onInvalidMessage: (error) => say({ event: 'invalid', problem: error.context.problem }),
});
// The real handlers: the tiered store's, and through it the engine's.
createCache({ store: tieredStore({ l1: memoryStore(), l2: redisStore({ connection }), bus }) });
bus.subscribe({ message: (message) => say({ event: 'message', message }), reconnected() {} });
await bus.ready();
say({ event: 'ready' });
