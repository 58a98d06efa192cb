// `pnpm --filter @routecache/example-orpc demo`: the oRPC demo (steps in demo-run.ts, which the
// smoke test runs too).
import { runOrpcDemo } from './demo-run.js';

await runOrpcDemo();
