// `pnpm demo`: the quick start's demo (steps in demo-run.ts, which the smoke test runs too).
import { runDemo } from './demo-run.js';

await runDemo();
