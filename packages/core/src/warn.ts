/**
 * One-time warnings with a stable code, for valid-but-risky setups (an unbounded memory store, a
 * value the codec cannot encode, an auth check below the cache). Each code warns once per process.
 */
const warned = new Set<string>();

/**
 * Stable codes of routecache's one-time warnings.
 *
 * @example
 * ```ts
 * const unbounded: WarningCode = 'ROUTECACHE_UNBOUNDED_STORE';
 * process.on('warning', (warning) => {
 *   if ('code' in warning && warning.code === unbounded) log.error(warning.message);
 * });
 * ```
 */
export type WarningCode =
  | 'ROUTECACHE_UNBOUNDED_STORE'
  | 'ROUTECACHE_UNCACHEABLE_VALUE'
  | 'ROUTECACHE_SET_COOKIE_NOT_CACHED'
  | 'ROUTECACHE_NO_CACHE_CONTEXT'
  | 'ROUTECACHE_NO_HTTP_GLUE'
  | 'ROUTECACHE_INVALID_ETAG'
  | 'ROUTECACHE_AUTH_BELOW_CACHE'
  | 'ROUTECACHE_STORE_UNAVAILABLE'
  | 'ROUTECACHE_LISTENER_ERROR'
  | 'ROUTECACHE_STORAGE_KEY_MISMATCH'
  | 'ROUTECACHE_CODEC_NOT_READABLE'
  | 'ROUTECACHE_UNKEYABLE_INPUT'
  | 'ROUTECACHE_BUS_MESSAGE_INVALID'
  | 'ROUTECACHE_INVALIDATION_FAILED'
  | 'ROUTECACHE_PURGE_FAILED'
  | 'ROUTECACHE_STREAMED_MUTATION';

/**
 * Emit `message` once per `code` (and optional `detail` discriminator) for this process.
 * Uses `process.emitWarning` where it exists, `console.warn` elsewhere.
 *
 * @example
 * ```ts
 * warnOnce('ROUTECACHE_UNBOUNDED_STORE', 'memoryStore({ maxBytes: Infinity }) never evicts');
 * ```
 */
export function warnOnce(code: WarningCode, message: string, detail = ''): void {
  const id = `${code}\u0000${detail}`;
  if (warned.has(id)) return;
  warned.add(id);
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: object) => void } })
    .process;
  if (proc?.emitWarning) proc.emitWarning(message, { type: 'RoutecacheWarning', code });
  else console.warn(`[${code}] ${message}`);
}

/** @internal Forget which warnings were emitted (tests only). */
export function resetWarningsForTests(): void {
  warned.clear();
}
