/** `pnpm demo`: run the invalidation demo on a free loopback port and print what it measured. */
import { runDemo } from './demo-run.js';

await runDemo();
