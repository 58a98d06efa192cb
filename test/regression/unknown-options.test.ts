/**
 * Issue 8, item 16: a misspelt option key (`ttL`, `tag`) was accepted and silently ignored (its
 * default applied), and value errors did not say what they received. Every factory that takes
 * options now rejects an unknown key with `InvalidOptionError` naming it and the closest valid
 * key, and a value error ends with `got <value> (<type>)`.
 */
import {
  createCache,
  InvalidOptionError,
  memoryStore,
  type RoutecacheError,
  tieredStore,
} from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
import { createCacheMiddleware } from '@routecache/trpc';
import { describe, expect, it } from 'vitest';

// Never connects: validation must fail before a client would be created anyway.
const connection = { host: '127.0.0.1', port: 1, lazyConnect: true };
const cacheMiddleware = createCacheMiddleware(createCache(), { principal: () => undefined });

function rejection(run: () => unknown): InvalidOptionError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidOptionError);
  return caught as InvalidOptionError;
}

type Make = (options: Record<string, unknown>) => unknown;

const factories = {
  cacheMiddleware: (options) => cacheMiddleware(options),
  createCacheMiddleware: (options) => createCacheMiddleware(createCache(), options),
  createCache: (options) => createCache(options),
  memoryStore: (options) => memoryStore(options),
  redisStore: (options) => redisStore({ connection, ...options }),
  redisBus: (options) => redisBus({ connection, ...options }),
  tieredStore: (options) => tieredStore({ l1: memoryStore(), l2: memoryStore(), ...options }),
} satisfies Record<string, Make>;
type FactoryName = keyof typeof factories;

describe('unknown option keys are rejected, naming the closest valid key', () => {
  it.each<[FactoryName, string, string]>([
    ['cacheMiddleware', 'ttL', 'ttl'],
    ['cacheMiddleware', 'tag', 'tags'],
    ['cacheMiddleware', 'stream.maxChunk', 'maxChunks'],
    ['createCacheMiddleware', 'principle', 'principal'],
    ['createCache', 'ttL', 'ttl'],
    ['createCache', 'stalewhilerevalidate', 'staleWhileRevalidate'],
    ['memoryStore', 'maxByte', 'maxBytes'],
    ['redisStore', 'prefx', 'prefix'],
    ['redisStore', 'breaker.treshold', 'threshold'],
    ['redisBus', 'chanel', 'channel'],
    ['tieredStore', 'buss', 'bus'],
  ])('%s: %s → %s', (factory, key, suggestion) => {
    const make: Make = factories[factory];
    const [parent, child] = key.split('.');
    const options = child === undefined ? { [key]: 1 } : { [parent as string]: { [child]: 1 } };
    const error = rejection(() => make(options));
    expect(error.code).toBe('ROUTECACHE_INVALID_OPTION');
    expect(error.option).toBe(key);
    expect(error.message).toContain(`did you mean "${suggestion}"?`);
    expect(error.context).toMatchObject({ option: key, suggestion });
  });

  it('accepts every documented key (undefined values included)', () => {
    expect(() =>
      cacheMiddleware({
        ttl: 1,
        namespace: 'n',
        key: () => 'k',
        vary: [],
        tags: ['t'],
        scope: 'public',
        staleWhileRevalidate: 0,
        staleIfError: 0,
        maxAge: 0,
        sMaxAge: 0,
        stream: { maxChunks: 1, maxBytes: 1 },
      }),
    ).not.toThrow();
    expect(() => factories.memoryStore({ maxBytes: 1024, maxEntrySize: undefined })).not.toThrow();
  });
});

describe('value errors say what they received', () => {
  it.each<[FactoryName, Record<string, unknown>, string, string]>([
    ['cacheMiddleware', { ttl: '60' }, 'ttl', 'got "60" (string)'],
    ['cacheMiddleware', { scope: 'shared' }, 'scope', 'got "shared" (string)'],
    ['cacheMiddleware', { stream: { maxBytes: 1.5 } }, 'stream.maxBytes', 'got 1.5 (number)'],
    ['cacheMiddleware', { tags: 'posts' }, 'tags', 'got "posts" (string)'],
    ['cacheMiddleware', { namespace: 7 }, 'namespace', 'got 7 (number)'],
    ['createCacheMiddleware', { principal: 'user' }, 'principal', 'got "user" (string)'],
    ['createCache', { ttl: '60' }, 'ttl', 'got "60" (string)'],
    ['createCache', { jitter: 2 }, 'jitter', 'got 2 (number)'],
    ['createCache', { storeTimeout: null }, 'storeTimeout', 'got null'],
    ['memoryStore', { maxBytes: '1mb' }, 'maxBytes', 'got "1mb" (string)'],
    ['redisStore', { timeout: '40' }, 'timeout', 'got "40" (string)'],
    ['redisStore', { decodeMemoBytes: -1 }, 'decodeMemoBytes', 'got -1 (number)'],
    ['redisBus', { readyTimeout: Number.NaN }, 'readyTimeout', 'got NaN (number)'],
    ['tieredStore', { baseKeyOf: 'x' }, 'baseKeyOf', 'got "x" (string)'],
  ])('%s %j', (factory, options, option, got) => {
    const make: Make = factories[factory];
    const error: RoutecacheError & { option?: string } = rejection(() => make(options));
    expect(error.option).toBe(option);
    expect(error.message.slice(-got.length - 2)).toBe(`, ${got}`);
  });
});
