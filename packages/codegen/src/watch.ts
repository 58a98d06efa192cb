import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { resolve } from 'node:path';
import type { ResolvedConfig } from './config/schema.js';

/**
 * Options of {@link watchProject}.
 *
 * @example
 * ```ts
 * watchProject(config, { run, signal: controller.signal, debounceMs: 200 });
 * ```
 */
export interface WatchOptions {
  /** Called once at start and once per burst of changes. Errors are the callback's to report. */
  run: () => void;
  /** Stops watching. */
  signal: AbortSignal;
  /** Quiet time after the last change before running. @default 100 */
  debounceMs?: number;
}

const WATCHED =
  /\.(m|c)?tsx?$|(^|[/\\])(tsconfig[^/\\]*\.json|package\.json|routecache\.config\.json)$/;

/**
 * Re-run generation whenever a TypeScript file or config under the config root changes
 * (debounced), ignoring the generated output itself and node_modules. Resolves when `signal`
 * aborts.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await watchProject(config, { run: () => write(generate(config)), signal: controller.signal });
 * ```
 */
export function watchProject(config: ResolvedConfig, options: WatchOptions): Promise<void> {
  const debounceMs = options.debounceMs ?? 100;
  let timer: ReturnType<typeof setTimeout> | undefined;
  options.run();
  return new Promise((done) => {
    const watcher: FSWatcher = fsWatch(config.root, { recursive: true }, (_event, name) => {
      if (name === null) return;
      const file = resolve(config.root, name.toString());
      if (file === config.output || /[/\\]node_modules[/\\]/.test(file) || !WATCHED.test(file))
        return;
      clearTimeout(timer);
      timer = setTimeout(options.run, debounceMs);
    });
    const stop = (): void => {
      clearTimeout(timer);
      watcher.close();
      done();
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', stop, { once: true });
  });
}
