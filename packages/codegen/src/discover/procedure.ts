import { ts } from 'ts-morph';
import { type DiscoveryContext, snippet } from './context.js';
import { type ContextSource, contextOf } from './context-type.js';
import { declaredTargets, invalidatesCall } from './declarations.js';
import { cacheMiddlewareCall } from './middleware.js';
import { readCacheOptions } from './options.js';
import { mayReachCache } from './reach.js';
import {
  calledFunction,
  chainRoot,
  isExportOf,
  originOf,
  type ResolveTrace,
  resolveValue,
  singleReturn,
  TRPC_SERVER,
} from './resolve.js';
import type { DeclaredTarget, ProcedureType, StaticCacheOptions } from './types.js';

const PROCEDURE_TYPES = new Set<string>(['query', 'mutation', 'subscription']);

/**
 * `x.query(...)`, `x.mutation(...)` or `x.subscription(...)`: the end of a builder chain.
 *
 * @example
 * ```ts
 * procedureTypeOf(parse('t.procedure.query(() => 1)')); // 'query'
 * ```
 */
export function procedureTypeOf(node: ts.Node): ProcedureType | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !PROCEDURE_TYPES.has(callee.name.text))
    return undefined;
  return callee.name.text as ProcedureType;
}

/**
 * True when `expr` resolves to `initTRPC….create()` (a tRPC instance, usually `t`).
 *
 * @example
 * ```ts
 * // const t = initTRPC.context<Ctx>().create();
 * isTrpcInstance(context, tIdentifier); // true
 * ```
 */
export function isTrpcInstance(context: DiscoveryContext, expr: ts.Expression): boolean {
  const node = resolveValue(context.checker, expr);
  if (!node || !ts.isCallExpression(node)) return false;
  return isExportOf(context.checker, chainRoot(node), TRPC_SERVER, 'initTRPC');
}

/** One step of a builder chain that matters for caching. */
export interface ChainStep {
  kind: 'input' | 'cache' | 'invalidates';
  /** The `.input(...)` call, the `cacheMiddleware(...)` call or the `invalidates(...)` call. */
  call: ts.CallExpression;
  /** The builder the step is called on (`authed` in `authed.use(cache(…))`). */
  receiver: ts.Expression;
}

/** What a builder chain says about caching. */
export interface ChainInfo {
  /** `.input()` and cache middleware steps, last in the chain first (the walk goes backwards). */
  steps: ChainStep[];
  /**
   * Where the walk stopped before reaching `t.procedure` and why. `site` is where it is reported
   * and what a cache middleware may be reachable from: the builder, or the call of the first
   * builder factory followed (its arguments count: `withAudit(cachedBase)`).
   */
  unresolved?: { site: ts.Expression; message: string };
}

/**
 * Walk a procedure's builder chain from its end (`.query(...)`) back to `t.procedure`, through
 * shared base procedures in other files (`export const cachedProcedure = publicProcedure.use(...)`)
 * and builder factories with a single return (`requirePermission('admin')`).
 *
 * @example
 * ```ts
 * const info: ChainInfo = { steps: [] };
 * walkChain(context, builderOf(queryCall), info);
 * info.steps.filter((s) => s.kind === 'cache').length; // 1 when the chain uses one cacheMiddleware
 * ```
 */
export function walkChain(context: DiscoveryContext, start: ts.Expression, info: ChainInfo): void {
  let builder: ts.Expression = start;
  const followed = new Set<ts.Node>();
  let site: ts.Expression | undefined;
  for (;;) {
    const trace: ResolveTrace = {};
    const node = resolveValue(context.checker, builder, trace);
    if (node && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression;
      const arg = node.arguments[0];
      const declaration = method === 'use' && arg ? invalidatesCall(context, arg) : undefined;
      if (declaration) {
        info.steps.push({ kind: 'invalidates', call: declaration, receiver });
      } else if (method === 'use' && arg) {
        const call = cacheMiddlewareCall(context, arg);
        if (call) info.steps.push({ kind: 'cache', call, receiver });
      } else if (method === 'input') {
        info.steps.push({ kind: 'input', call: node, receiver });
      } else if ((method === 'concat' || method === 'unstable_concat') && arg) {
        walkChain(context, arg, info);
        if (info.unresolved) return;
      }
      builder = receiver;
      continue;
    }
    if (node && ts.isPropertyAccessExpression(node) && node.name.text === 'procedure') {
      if (isTrpcInstance(context, node.expression)) return;
    }
    // A builder factory: `requirePermission('admin')` whose single return is `authed.use(…)`.
    const factory = node && ts.isCallExpression(node) && calledFunction(context.checker, node);
    const returned = factory && !followed.has(factory) ? singleReturn(factory) : undefined;
    if (factory && returned) {
      followed.add(factory);
      site ??= builder;
      builder = returned;
      continue;
    }
    const origin = node && ts.isExpression(node) ? originOf(context.checker, node) : undefined;
    const inside = site === undefined ? '' : ` (in what \`${snippet(site)}\` returns)`;
    info.unresolved = {
      site: site ?? builder,
      message: `cannot follow the procedure builder \`${snippet(builder)}\`${inside}${origin ? ` (from ${origin.module})` : ''} back to t.procedure${context.because(trace)}`,
    };
    return;
  }
}

/**
 * A cache middleware with an `.input()` after it: it keys on the input parsed before it only.
 * Without an `.input()` before it either (a cached base procedure extended with `.input(…)`) the
 * adapter refuses calls with input (`RC_CACHE_BEFORE_INPUT`); between two `.input()` calls it
 * would key part of the input, so calls differing in the rest would share an entry — the adapter
 * refuses that too (`RC_INPUT_AFTER_CACHE`). Both are errors: the keys would be wrong.
 */
function reportInputAfterCache(
  context: DiscoveryContext,
  path: string,
  procedureCall: ts.CallExpression,
  steps: readonly ChainStep[],
): void {
  // `steps` runs from the end of the chain backwards: an input after a cache has a lower index.
  const firstCache = steps.findLastIndex(
    (step, index) =>
      step.kind === 'cache' && steps.slice(0, index).some((later) => later.kind === 'input'),
  );
  const cache = steps[firstCache];
  if (cache === undefined) return;
  const where = (node: ts.Node): string => {
    const { file, line } = context.locate(node);
    return `${file}:${line}`;
  };
  const before = steps.slice(firstCache + 1).some((step) => step.kind === 'input');
  if (!before) {
    context.report(
      procedureCall,
      'error',
      'RC_CACHE_BEFORE_INPUT',
      `the cacheMiddleware (${where(cache.call)}) runs before this procedure's .input(): a call with input fails at run time (ConfigurationError)`,
      'move .use(cacheMiddleware(…)) after .input(…) (a cached base procedure suits procedures without input only)',
    );
    return;
  }
  // The first `.input()` after the cache, by its name (a chain's call starts where the chain does).
  const later = steps.slice(0, firstCache).findLast((step) => step.kind === 'input');
  const at = later ? (later.call.expression as ts.PropertyAccessExpression).name : procedureCall;
  context.report(
    at,
    'error',
    'RC_INPUT_AFTER_CACHE',
    `\`${path}\`: the cacheMiddleware (${where(cache.call)}) runs between two .input() calls (the later one at ${where(at)}): it would key only the input parsed before it, so calls that differ in the later input would share one entry; the adapter refuses it (ConfigurationError)`,
    'move .use(cacheMiddleware(…)) after the last .input(…)',
  );
}

/** The static caching facts of one procedure. */
export interface ProcedureCaching {
  cached: boolean;
  options: StaticCacheOptions | undefined;
  /** Whether the chain has an `.input()` (else the procedure takes no input). */
  hasInput: boolean;
  /** The ctx type source of a cache middleware whose `key` reads (or may read) ctx. */
  context: ContextSource | undefined;
  /** What its `invalidates(…)` declarations name. */
  invalidates: DeclaredTarget[];
  /** The schemas of its `.input(…)` calls, first in the chain first (for printing its input type). */
  inputSchemas: ts.Expression[];
}

/**
 * A builder chain codegen could not follow: an error when a cache middleware may hide behind
 * it (whether and how the procedure is cached is unknown), else a warning.
 */
function reportUnresolved(
  context: DiscoveryContext,
  path: string,
  { site, message }: NonNullable<ChainInfo['unresolved']>,
  cached: boolean,
): void {
  const hides = cached || mayReachCache(context, site);
  context.report(
    site,
    hides ? 'error' : 'warning',
    'RC_UNRESOLVED_BUILDER',
    hides
      ? `\`${path}\`: ${message}; a cache middleware is reachable from it, so whether and how it is cached is unknown`
      : `\`${path}\`: ${message}; no cache middleware is reachable from it, so it is taken as not cached (not covered: its input and middlewares)`,
    'build procedures from t.procedure through consts or functions with a single return (e.g. `export const authed = t.procedure.use(auth)`)',
  );
}

/**
 * Analyse the builder chain of `procedureCall` (a `.query(...)`-style call) at `path`. A chain
 * codegen cannot follow is an error when it is cached or a cache middleware is reachable from
 * the part it cannot follow (it could hide a cached procedure), else a warning (the procedure
 * is reported as not cached).
 *
 * @example
 * ```ts
 * analyzeProcedure(context, 'catalog.list', queryCall); // { cached: true, options: { tags: ['catalog'], … }, … }
 * ```
 */
export function analyzeProcedure(
  context: DiscoveryContext,
  path: string,
  procedureCall: ts.CallExpression,
): ProcedureCaching {
  const callee = procedureCall.expression as ts.PropertyAccessExpression;
  const info: ChainInfo = { steps: [] };
  walkChain(context, callee.expression, info);
  const hasInput = info.steps.some((step) => step.kind === 'input');
  const inputSchemas = info.steps
    .filter((step) => step.kind === 'input')
    .reverse()
    .flatMap((step) => step.call.arguments.slice(0, 1));
  const invalidates = info.steps
    .filter((step) => step.kind === 'invalidates')
    .reverse()
    .flatMap((step) => declaredTargets(context, step.call));
  const [outermost, ...inner] = info.steps.filter((step) => step.kind === 'cache');
  if (info.unresolved) reportUnresolved(context, path, info.unresolved, outermost !== undefined);
  if (outermost === undefined)
    return {
      cached: false,
      options: undefined,
      hasInput,
      context: undefined,
      invalidates,
      inputSchemas,
    };
  reportInputAfterCache(context, path, procedureCall, info.steps);
  if (inner.length > 0) {
    context.report(
      procedureCall,
      'warning',
      'RC_MULTIPLE_CACHE_MIDDLEWARES',
      'the builder chain uses cacheMiddleware more than once; the options of the last `.use` are reported',
      'use one cacheMiddleware per procedure',
    );
  }
  const options = readCacheOptions(context, outermost.call.arguments[0]);
  const readsContext = options.customKey?.readsContext ?? false;
  return {
    cached: true,
    options,
    hasInput,
    invalidates,
    inputSchemas,
    context:
      readsContext === false
        ? undefined
        : contextOf(context, path, outermost.receiver, procedureCall),
  };
}
