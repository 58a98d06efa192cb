/**
 * Child of flat-string.test.ts (`node --expose-gc`): holds 100k strings built by concatenation,
 * passed through `flatString` or not (argv[2] = 'flat' | 'raw'), and prints the heap they hold
 * per string after `gc()`.
 */
import { flatString } from '../../packages/core/src/flat-string.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const flat = process.argv[2] === 'flat';
const COUNT = 100_000;
/** ~70 characters in 25 pieces, as `keyFor` builds a key of a five-field input. */
const built = (i: number) => {
  let text = '|users.list|';
  for (let piece = 0; piece < 12; piece++) text += `,${piece}:${i}`;
  return text;
};
gc();
gc();
const before = process.memoryUsage().heapUsed;
const held: string[] = [];
for (let i = 0; i < COUNT; i++) held.push(flat ? flatString(built(i)) : built(i));
gc();
gc();
const perString = (process.memoryUsage().heapUsed - before) / COUNT;
console.log(JSON.stringify({ perString, length: held[0]?.length, count: held.length }));
