// pnpm --filter @routecache/example-cdn demo — needs varnishd with vmod xkey.
import { runDemo } from './demo-run.js';
import { VARNISH_INSTALL, varnishInstalled } from './varnish.js';

if (!varnishInstalled()) {
  console.error(`This demo runs a real Varnish with vmod xkey. Install it: ${VARNISH_INSTALL}`);
  process.exit(1);
}
await runDemo((line) => console.log(line));
