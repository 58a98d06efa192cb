import { defaultCodec } from '../codec/index.js';
import type { CacheEntry, EntryAddress } from '../stores/types.js';
import { ENTRY_FORMAT } from '../stores/types.js';

/**
 * Shape of the entry {@link testEntry} builds.
 *
 * @example
 * ```ts
 * const options: TestEntryOptions = { kind: 'value', tags: ['users'], freshMs: 1_000, staleMs: 5_000 };
 * const entry = testEntry({ id: 1 }, options);
 * ```
 */
export interface TestEntryOptions {
  kind?: CacheEntry['kind'];
  tags?: readonly string[];
  etag?: string;
  /** Milliseconds from now until the entry goes stale. @default 60000 */
  freshMs?: number;
  /** Milliseconds from now until the entry expires (must be ≥ `freshMs`). @default freshMs */
  staleMs?: number;
}

/**
 * Build a complete {@link CacheEntry} the way the engine does: the value encoded once with the
 * default codec into `bytes`, `size` the encoded length. For store tests.
 *
 * @example
 * ```ts
 * const entry = testEntry({ id: 1 }, { tags: ['users'], freshMs: 1000 });
 * await store.set(address, entry, await store.fence(address));
 * ```
 */
export function testEntry(value: unknown, options: TestEntryOptions = {}): CacheEntry {
  const now = Date.now();
  const freshMs = options.freshMs ?? 60_000;
  const bytes = defaultCodec.encode(value);
  return {
    format: ENTRY_FORMAT,
    codec: defaultCodec.id,
    kind: options.kind ?? 'value',
    value,
    bytes,
    etag: options.etag ?? `"test-${bytes.length}"`,
    storedAt: now,
    freshUntil: now + freshMs,
    staleUntil: now + (options.staleMs ?? freshMs),
    tags: options.tags ?? [],
    size: bytes.length,
  };
}

let suiteRun = 0;

/**
 * Unique names and addresses for one suite run; see {@link uniqueNames}.
 *
 * @example
 * ```ts
 * const names: UniqueNames = uniqueNames('my-store');
 * const address = names.address({ tags: [names.name('tag')] });
 * ```
 */
export interface UniqueNames {
  /** A name (base key, tag) no other test or run uses. */
  name(label: string): string;
  /** An address under a fresh base key (or `baseKey`), with `variant` appended to the storage key. */
  address(options?: { baseKey?: string; variant?: string; tags?: readonly string[] }): EntryAddress;
}

/**
 * Names unique to one suite run, so stores shared across tests (or with other processes, like a
 * Redis database) never see two tests meet on a key or tag.
 *
 * @example
 * ```ts
 * const names = uniqueNames('my-store');
 * const tag = names.name('users');
 * const address = names.address({ tags: [tag] });
 * ```
 */
export function uniqueNames(label: string): UniqueNames {
  const run = `${label}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:${++suiteRun}`;
  let next = 0;
  const name = (part: string) => `${run}:${part}:${++next}`;
  return {
    name,
    address(options = {}) {
      const baseKey = options.baseKey ?? name('base');
      const variant = options.variant ?? '';
      return {
        key: variant === '' ? baseKey : `${baseKey}#${variant}`,
        baseKey,
        tags: options.tags ?? [],
      };
    },
  };
}
