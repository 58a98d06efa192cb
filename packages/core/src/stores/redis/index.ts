// @routecache/core/redis: the Redis store and bus (Node only; loads ioredis, an optional peer).
export { type RedisBus, type RedisBusOptions, redisBus } from './bus.js';
export type { BreakerOptions, RedisStatusListener } from './guard.js';
export type { RedisConnectionOptions, RedisStoreOptions } from './options.js';
export { type RedisStore, redisStore } from './store.js';
