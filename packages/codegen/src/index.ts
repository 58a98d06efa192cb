// The public surface of @routecache/codegen: what an app author writes to run the generator from
// a script. The CLI (bin/routecache.js) loads cli.ts itself, and the discover/model/emit stages
// are internal modules, imported by path from inside the package.
export { loadConfig } from './config/load.js';
export type { CodegenConfig, ResolvedConfig } from './config/schema.js';
export { CodegenError, type CodegenErrorCode } from './errors.js';
export { type Generation, generate } from './generate.js';
export { watchProject } from './watch.js';
