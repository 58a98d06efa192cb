/**
 * The ~200 B row value the fill and memory-per-entry measurements store, in a module of its own:
 * importing it loads nothing else (memory-per-entry.ts loads the Redis floods, hence ioredis,
 * whose String subclass changes how fast string code runs in the whole process).
 */

/**
 * A row of about 200 bytes of JSON, fresh per call (what a resolver returns).
 *
 * @example
 * ```ts
 * JSON.stringify(rowValue(1)).length; // ≈ 200
 * ```
 */
export function rowValue(id: number) {
  return {
    id,
    name: `user ${id}`,
    email: `user${id}@example.com`,
    active: id % 2 === 0,
    score: id / 7,
    roles: ['reader', 'writer'],
    bio: 'Writes about caches, HTTP semantics and database migrations.',
  };
}
