/**
 * The `next` project's global setup: one `next build` of examples/next per run, shared by every
 * file of the project (`next start` serves it; `next dev` compiles on its own).
 */
import type { TestProject } from 'vitest/node';
import { buildNextApp } from '../support/next-app.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Seconds the build took: the workspace packages' dist, then `next build`. */
    nextBuildSeconds: { packages: number; next: number };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const seconds = await buildNextApp();
  console.log(
    `examples/next built: packages ${seconds.packages.toFixed(1)} s, next build ${seconds.next.toFixed(1)} s`,
  );
  project.provide('nextBuildSeconds', seconds);
}
