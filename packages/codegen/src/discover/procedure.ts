import { ts } from 'ts-morph';
import type { DiscoveryContext } from './context.js';
import { cacheMiddlewareCall } from './middleware.js';
import { readCacheOptions } from './options.js';
import {
  chainRoot,
  isExportOf,
  originOf,
  type ResolveTrace,
  resolveValue,
  TRPC_SERVER,
} from './resolve.js';
import type { ProcedureType, StaticCacheOptions } from './types.js';

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
  kind: 'input' | 'cache';
  /** The `.input(...)` call, or the `cacheMiddleware(...)` call. */
  call: ts.CallExpression;
}

/** What a builder chain says about caching. */
export interface ChainInfo {
  /** `.input()` and cache middleware steps, last in the chain first (the walk goes backwards). */
  steps: ChainStep[];
}

/**
 * Walk a procedure's builder chain from its end (`.query(...)`) back to `t.procedure`, through
 * shared base procedures in other files (`export const cachedProcedure = publicProcedure.use(...)`).
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
  for (;;) {
    const trace: ResolveTrace = {};
    const node = resolveValue(context.checker, builder, trace);
    if (node && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const arg = node.arguments[0];
      if (method === 'use' && arg) {
        const call = cacheMiddlewareCall(context, arg);
        if (call) info.steps.push({ kind: 'cache', call });
      } else if (method === 'input') {
        info.steps.push({ kind: 'input', call: node });
      } else if ((method === 'concat' || method === 'unstable_concat') && arg) {
        walkChain(context, arg, info);
      }
      builder = node.expression.expression;
      continue;
    }
    if (node && ts.isPropertyAccessExpression(node) && node.name.text === 'procedure') {
      if (isTrpcInstance(context, node.expression)) return;
    }
    const origin = node && ts.isExpression(node) ? originOf(context.checker, node) : undefined;
    context.report(
      builder,
      'error',
      'RC_UNRESOLVED_BUILDER',
      `cannot follow the procedure builder \`${builder.getText()}\`${origin ? ` (from ${origin.module})` : ''} back to t.procedure${context.because(trace)}`,
      'build procedures from t.procedure through consts (e.g. `export const authed = t.procedure.use(auth)`)',
    );
    return;
  }
}

/**
 * A cache middleware with no `.input()` before it but one after it: the procedure takes input,
 * and the middleware refuses (ConfigurationError on the first call with input) to key on the
 * unparsed input. Typical: a cached base procedure (`t.procedure.use(cacheMiddleware(…))`)
 * extended with `.input(…)`.
 */
function reportCacheBeforeInput(
  context: DiscoveryContext,
  procedureCall: ts.CallExpression,
  steps: readonly ChainStep[],
): void {
  // `steps` runs from the end of the chain backwards.
  const firstInput = steps.findLastIndex((step) => step.kind === 'input');
  if (firstInput === -1) return;
  const early = steps.slice(firstInput + 1).find((step) => step.kind === 'cache');
  if (early === undefined) return;
  const { file, line } = context.locate(early.call);
  context.report(
    procedureCall,
    'error',
    'RC_CACHE_BEFORE_INPUT',
    `the cacheMiddleware (${file}:${line}) runs before this procedure's .input(): a call with input fails at run time (ConfigurationError)`,
    'move .use(cacheMiddleware(…)) after .input(…) (a cached base procedure suits procedures without input only)',
  );
}

/** The static caching facts of one procedure. */
export interface ProcedureCaching {
  cached: boolean;
  options: StaticCacheOptions | undefined;
}

/**
 * Analyse the builder chain of `procedureCall` (a `.query(...)`-style call).
 *
 * @example
 * ```ts
 * analyzeProcedure(context, queryCall); // { cached: true, options: { tags: ['catalog'], … } }
 * ```
 */
export function analyzeProcedure(
  context: DiscoveryContext,
  procedureCall: ts.CallExpression,
): ProcedureCaching {
  const callee = procedureCall.expression as ts.PropertyAccessExpression;
  const info: ChainInfo = { steps: [] };
  walkChain(context, callee.expression, info);
  const [outermost, ...inner] = info.steps.filter((step) => step.kind === 'cache');
  if (outermost === undefined) return { cached: false, options: undefined };
  reportCacheBeforeInput(context, procedureCall, info.steps);
  if (inner.length > 0) {
    context.report(
      procedureCall,
      'warning',
      'RC_MULTIPLE_CACHE_MIDDLEWARES',
      'the builder chain uses cacheMiddleware more than once; the options of the last `.use` are reported',
      'use one cacheMiddleware per procedure',
    );
  }
  return { cached: true, options: readCacheOptions(context, outermost.call.arguments[0]) };
}
