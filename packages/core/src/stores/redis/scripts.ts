import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/*
 * Lua scripts of the Redis store. Each touches keys of ONE slot only (the base key's hash tag,
 * or one tag registry), so they run unchanged on Redis Cluster. Times are the server's (`TIME`),
 * never the clients', so fences do not depend on clock skew between instances.
 *
 * Generation key `g` of a base key: created by FENCE (value: server ms, so a recreated key never
 * repeats an old value), bumped by every invalidation and by `clear`, and kept alive only as
 * long as a fence may still be committed (`fenceWindow`). SET commits only while `g` still holds
 * the value the fence read and the fence is younger than the window.
 */

// replicate_commands: Redis 6.2 needs it before writes that follow TIME; a no-op on Redis 7.
const NOW = `redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Bump a generation if it exists: no key means no fence in flight to refuse. */
const BUMP = `local function bump(g, ttl)
  if redis.call('EXISTS', g) == 1 then
    redis.call('INCR', g)
    redis.call('PEXPIRE', g, ttl)
  end
end
`;

/** @internal KEYS: gen. ARGV: window ms. Returns { generation, server ms }. */
export const FENCE = `${NOW}local gen = redis.call('GET', KEYS[1])
if not gen then
  gen = tostring(now)
  redis.call('SET', KEYS[1], gen, 'PX', ARGV[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return { gen, now }`;

/**
 * @internal
 * KEYS: tag registry (sorted set: base-key hash tag → expiry ms). ARGV: hash tag, ttl ms.
 * Prunes expired members, so a registry holds only base keys that may still carry the tag.
 */
export const REGISTER = `${NOW}redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], 'GT', now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], math.floor(tonumber(last[2])))
return 1`;

/**
 * @internal
 * KEYS: gen, entry, index. ARGV: fence generation, fence ms, window ms, ttl ms, envelope,
 * storage key, tag list, entry key prefix. Returns 1 when stored, 0 when fenced out.
 * The index (hash: storage key → tag list) lives as long as its longest entry; a few random
 * fields are checked per write and dropped when their entry is gone, so it never grows past
 * the live variants by more than a small fraction.
 */
export const SET = `local gen = redis.call('GET', KEYS[1])
if gen ~= ARGV[1] then return 0 end
${NOW}if now - tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 0 end
local ttl = tonumber(ARGV[4])
redis.call('SET', KEYS[2], ARGV[5], 'PX', ttl)
redis.call('HSET', KEYS[3], ARGV[6], ARGV[7])
if redis.call('PTTL', KEYS[3]) < ttl then redis.call('PEXPIRE', KEYS[3], ttl) end
if redis.call('HLEN', KEYS[3]) > 8 then
  for _, f in ipairs(redis.call('HRANDFIELD', KEYS[3], 4)) do
    if redis.call('EXISTS', ARGV[8] .. f) == 0 then redis.call('HDEL', KEYS[3], f) end
  end
end
return 1`;

/** @internal KEYS: gen, index. ARGV: entry key prefix, window ms. Returns the count of entries removed. */
export const INVALIDATE = `${BUMP}bump(KEYS[1], ARGV[2])
local n = 0
for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do
  n = n + redis.call('DEL', ARGV[1] .. f)
end
redis.call('DEL', KEYS[2])
return n`;

/**
 * @internal
 * KEYS: gen, index. ARGV: entry key prefix, window ms, tag hashes…. Removes the variants of one
 * base key carrying any of the tags; returns how many existed.
 */
export const INVALIDATE_TAGS = `${BUMP}bump(KEYS[1], ARGV[2])
local all = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 1, #all, 2 do
  local list = ',' .. all[i + 1] .. ','
  for j = 3, #ARGV do
    if string.find(list, ',' .. ARGV[j] .. ',', 1, true) then
      n = n + redis.call('DEL', ARGV[1] .. all[i])
      redis.call('HDEL', KEYS[2], all[i])
      break
    end
  end
end
return n`;

/** @internal KEYS: entry, index. ARGV: storage key. Returns 1 when the entry existed. */
export const DELETE = `redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])`;

/** @internal KEYS: gen. ARGV: window ms. `clear` bumps every generation it finds. */
export const CLEAR_GENERATION = `${BUMP}bump(KEYS[1], ARGV[1])
return 1`;

/** @internal KEYS: lease. ARGV: token. Releases the lease only if this holder still owns it. */
export const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** @internal KEYS: entry, lease. Returns the envelope, or 1 while the lease is held, or 0. */
export const POLL_FILL = `local v = redis.call('GET', KEYS[1])
if v then return v end
return redis.call('EXISTS', KEYS[2])`;

/** @internal A script and its SHA-1, for EVALSHA with an EVAL fallback. */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

/** @internal Prepare a script (hash it once). */
export function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

type Arg = string | number | Buffer;

/**
 * @internal
 * Run `script` by its SHA, loading it on `NOSCRIPT` (a restarted or new node). Works on a
 * `Redis`, a `Cluster` (routed by the first key) or one cluster node. `binary` returns bulk
 * replies as Buffers.
 *
 * @example
 * ```ts
 * const removed = await evalScript(client, script(INVALIDATE), [gen, index], [prefix, 60_000]);
 * ```
 */
export async function evalScript(
  client: Redis | Cluster,
  { lua, sha }: Script,
  keys: readonly string[],
  args: readonly Arg[],
  binary = false,
): Promise<unknown> {
  const send = (command: string, first: string) =>
    binary
      ? client.callBuffer(command, first, keys.length, ...keys, ...args)
      : client.call(command, first, keys.length, ...keys, ...args);
  try {
    return await send('EVALSHA', sha);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return send('EVAL', lua);
  }
}
