/**
 * Cloudflare's workerd runtime (through miniflare 3, which ships the binary from npm) serving a
 * worker bundled by esbuild the way a Workers build bundles it: platform `neutral`, the
 * `workerd` / `worker` / `browser` export conditions, no Node.js compatibility flag. A `node:`
 * import fails the bundle; a Node global (`process`, `Buffer`) reached at run time throws inside
 * the worker.
 */
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

/** Where the worker's code comes from: a file, or source text resolved from `resolveDir`. */
export type WorkerSource = { entry: string } | { contents: string; resolveDir: string };

/**
 * Bundle `source` into one ES module for workerd. Rejects (esbuild's error) when anything it
 * reaches imports a `node:` built-in.
 *
 * @example
 * ```ts
 * const script = await bundleWorker({ entry: fileURLToPath(new URL('./worker.ts', import.meta.url)) });
 * ```
 */
export async function bundleWorker(source: WorkerSource): Promise<string> {
  const result = await build({
    ...('entry' in source
      ? { entryPoints: [source.entry] }
      : { stdin: { contents: source.contents, resolveDir: source.resolveDir, loader: 'ts' } }),
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    // `source` first: the workspace packages are bundled from their TypeScript, as tests run them.
    conditions: ['source', 'workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output');
  return output.text;
}

/** A running workerd: the worker's loopback URL and how to stop it. */
export interface RunningWorker {
  /** e.g. `http://127.0.0.1:43123/` */
  readonly url: URL;
  close(): Promise<void>;
}

/**
 * Start workerd on a free loopback port with `script` as its only (module) worker.
 *
 * @example
 * ```ts
 * const worker = await startWorker(await bundleWorker({ entry }));
 * await fetch(new URL('/trpc/post', worker.url));
 * await worker.close();
 * ```
 */
export async function startWorker(script: string): Promise<RunningWorker> {
  const miniflare = new Miniflare({
    modules: true,
    script,
    host: '127.0.0.1',
    port: 0,
    // The newest date this workerd supports; no `nodejs_compat`: Node built-ins stay absent.
    compatibilityDate: '2025-07-18',
  });
  const url = await miniflare.ready;
  return { url, close: () => miniflare.dispose() };
}
