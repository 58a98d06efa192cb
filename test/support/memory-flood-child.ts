/**
 * Child process of the memory floods (started by `spawnFlood`, memory-floods.ts):
 * `node --expose-gc --conditions=source --import tsx memory-flood-child.ts <flood> <entries>
 * <maxBytes>` prints one FloodResult as JSON.
 */
import { FLOODS, type FloodName, runFlood } from './memory-floods.js';

const [flood, entries, maxBytes] = process.argv.slice(2);
if (!FLOODS.includes(flood as FloodName)) {
  throw new Error(`unknown flood "${flood}"; known: ${FLOODS.join(', ')}`);
}
const result = await runFlood(flood as FloodName, {
  entries: Number(entries),
  maxBytes: Number(maxBytes),
});
console.log(JSON.stringify(result));
