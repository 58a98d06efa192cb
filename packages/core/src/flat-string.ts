import { codeUnitAt } from './code-unit.js';

/**
 * @internal Make `text` one flat string and return it. V8 keeps a string built by concatenation
 * as a tree of its pieces (a key from `keyFor`: ~96 bytes for 19 chars, 40 flat; a computed
 * ETag: ~600 bytes for 45 chars, 64 flat); reading a character flattens it in place, and the
 * next collection drops the pieces (reading it as a number does not, on Node 20's V8). Call it
 * on strings a store keeps for long, so what it keeps is what `stringBytes`
 * (stores/retained-size.ts) counts, and on a key about to be looked up: a Map hashes a tree
 * through a copy and compares it piece by piece (measured: an engine hit cost 1.34× the floor's
 * instructions with the tree, 1.12× flat).
 *
 * @example
 * ```ts
 * lru.set(flatString(key), record);
 * ```
 */
export function flatString(text: string): string {
  codeUnitAt(text, 0);
  return text;
}
