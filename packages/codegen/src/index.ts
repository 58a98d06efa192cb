// The curated public surface of @routecache/codegen.
export { canonicalLines, diffSummary, sameMeaning } from './check.js';
export { type CliIo, runCli, USAGE } from './cli.js';
export { CONFIG_FILE, loadConfig } from './config/load.js';
export { type CodegenConfig, configSchema, type ResolvedConfig } from './config/schema.js';
export { discover } from './discover/discover.js';
export type {
  ContextSource,
  Diagnostic,
  DiscoveredProcedure,
  DiscoveryResult,
  ProcedureType,
  ReadsContext,
  SourceLocation,
  StaticCacheOptions,
} from './discover/types.js';
export { BANNER, emitModule } from './emit/emit.js';
export {
  buildModel,
  type CachedQuery,
  type ContextTypeModel,
  type GenerationModel,
  type TagModel,
} from './emit/model.js';
export { CodegenError, type CodegenErrorCode } from './errors.js';
export {
  formatDiagnostic,
  type GenerateOptions,
  type Generation,
  generate,
  writeIfChanged,
} from './generate.js';
export { type WatchOptions, watchProject } from './watch.js';
