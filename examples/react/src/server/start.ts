/** `pnpm start` (after `pnpm build`; `pnpm demo` does both): serve the example on PORT (3000). */
import { fileURLToPath } from 'node:url';
import { startExampleServer } from './app.js';

const server = await startExampleServer({
  assetsDir: fileURLToPath(new URL('../../dist', import.meta.url)),
  port: Number(process.env.PORT ?? 3000),
});
console.log(`routecache React example on ${server.url}/?link=batch (or ?link=http, ?link=stream)`);
