/** `pnpm --filter @routecache/example-observability start`: the app on :3000, metrics on :9464. */
import { startApp } from './app.js';

const app = await startApp({ port: 3000, metricsPort: 9464 });
console.log(`tRPC on ${app.trpcUrl}, Prometheus metrics on ${app.metricsUrl}`);
process.once('SIGINT', () => void app.close());
