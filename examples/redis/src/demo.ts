/**
 * `pnpm demo`: two app instances on one redis-server started for the demo (a free loopback port,
 * no persistence, stopped at the end). Prints what it measured.
 */
import { spawnSync } from 'node:child_process';
import { runDemo } from './demo-run.js';

if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error(
    'redis-server is not on PATH. Install it, then run the demo again:\n' +
      '  Debian/Ubuntu: sudo apt-get install -y redis-server\n' +
      '  macOS:         brew install redis',
  );
  process.exit(1);
}
await runDemo();
