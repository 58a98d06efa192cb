import { existsSync } from 'node:fs';
import { ts } from 'ts-morph';
import type { ResolvedConfig } from '../config/schema.js';
import { CodegenError } from '../errors.js';
import { DiscoveryContext } from './context.js';
import { printInputTypes } from './input-types.js';
import { Programs } from './program.js';
import { API_MODULES, exportedValue } from './resolve.js';
import { RouterWalker } from './router.js';
import type { DiscoveryResult } from './types.js';

/**
 * Load the app with its tsconfig. Only the router module is added as a root: the program pulls in
 * what it imports (statically or via `import()`), which is all discovery needs to read. The
 * programs also build the input types' program, over the same parsed files.
 */
function loadProgram(config: Pick<ResolvedConfig, 'tsconfig' | 'router'>): {
  programs: Programs;
  program: ts.Program;
} {
  // ts-morph would throw a bare FileNotFoundError with a stack trace: name the config field.
  if (!existsSync(config.tsconfig)) {
    throw new CodegenError(
      'ROUTECACHE_CODEGEN_CONFIG',
      `routecache.tsconfig: ${config.tsconfig} does not exist`,
      { context: { field: 'tsconfig', file: config.tsconfig } },
    );
  }
  if (!existsSync(config.router.module)) {
    throw new CodegenError(
      'ROUTECACHE_CODEGEN_ROUTER_NOT_FOUND',
      `routecache.router.module: ${config.router.module} does not exist`,
      { context: { field: 'router.module', module: config.router.module } },
    );
  }
  // Discovery binds identifiers and never type-checks, so it loads no lib files, no @types and
  // no compiled packages — most of what a program parses, and none of it holds a router or a
  // cache middleware codegen could read (tRPC and routecache are known by import specifier).
  const programs = new Programs(config.tsconfig);
  const program = programs.create(
    config.router.module,
    { noLib: true, types: [] },
    (name, containingFile, options, host, cache) => {
      if (API_MODULES.has(name)) return undefined;
      const { resolvedModule } = ts.resolveModuleName(name, containingFile, options, host, cache);
      const compiled =
        resolvedModule?.isExternalLibraryImport === true &&
        /\.d\.[cm]?ts$/.test(resolvedModule.resolvedFileName);
      return compiled ? undefined : resolvedModule;
    },
  );
  return { programs, program };
}

function routerExport(program: ts.Program, config: Pick<ResolvedConfig, 'router'>): ts.Expression {
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(config.router.module);
  const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
  const symbol =
    moduleSymbol &&
    checker.getExportsOfModule(moduleSymbol).find((s) => s.name === config.router.export);
  const value = exportedValue(checker, symbol);
  if (value === undefined) {
    throw new CodegenError(
      'ROUTECACHE_CODEGEN_ROUTER_NOT_FOUND',
      `routecache.router.export: ${config.router.module} has no const export "${config.router.export}"`,
      { context: { module: config.router.module, export: config.router.export } },
    );
  }
  return value;
}

/**
 * Discovery stage: find every procedure under the configured router export, whether its builder
 * chain uses a routecache `cacheMiddleware`, and the static options of that middleware. Pure with
 * respect to its input files: no code of the app runs.
 *
 * @throws {CodegenError} `ROUTECACHE_CODEGEN_CONFIG` when the tsconfig does not exist;
 *   `ROUTECACHE_CODEGEN_ROUTER_NOT_FOUND` when the router module or export is missing.
 * @example
 * ```ts
 * const { procedures, diagnostics } = discover(loadConfig({ cwd: process.cwd() }));
 * for (const p of procedures.filter((p) => p.cached)) console.log(p.path, p.options?.tags);
 * ```
 */
export function discover(
  config: Pick<ResolvedConfig, 'root' | 'tsconfig' | 'router' | 'output'>,
): DiscoveryResult {
  const { programs, program } = loadProgram(config);
  const context = new DiscoveryContext(program.getTypeChecker(), config.root, config.output);
  const walker = new RouterWalker(context);
  walker.walkValue(routerExport(program, config), { path: [], lazyPrefix: undefined });
  const inputTypes = printInputTypes(programs, config, walker.schemas);
  const procedures = [...walker.procedures.values()]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((p) => {
      if (!walker.schemas.has(p.path)) return p;
      const inputType = inputTypes.get(p.path);
      if (inputType === undefined) {
        context.diagnostics.push({
          severity: 'warning',
          code: 'RC_INPUT_TYPE_NOT_PRINTED',
          message: `the input type of \`${p.path}\` cannot be printed self-contained (a generic, recursive or branded type, or a validator that is not a Standard Schema); its helpers take inferRouterInputs<typeof router>, so a resolver using them may need a return-type annotation (TS7022)`,
          hint: 'use a Standard Schema validator (zod, valibot, arktype) of plain objects, arrays, unions and literals',
          location: p.location,
        });
      }
      return { ...p, inputType };
    });
  return { procedures, diagnostics: context.diagnostics };
}
