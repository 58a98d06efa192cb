import { ts } from 'ts-morph';
import type { DiscoveryContext } from './context.js';
import {
  isExportOf,
  isOpaque,
  type ResolveTrace,
  ROUTECACHE_TRPC,
  resolveValue,
  singleReturn,
} from './resolve.js';

/**
 * True when `callee` (of `callee(options)`) is a `cacheMiddleware` made by `createCacheMiddleware`
 * of `@routecache/trpc`: it resolves to a value initialized by a call to that export.
 * `undefined` when `callee` cannot be resolved.
 */
function isCacheMiddlewareFactory(
  context: DiscoveryContext,
  callee: ts.Expression,
): boolean | undefined {
  const factory = resolveValue(context.checker, callee);
  if (factory === undefined) return undefined;
  return (
    ts.isCallExpression(factory) &&
    isExportOf(context.checker, factory.expression, ROUTECACHE_TRPC, 'createCacheMiddleware')
  );
}

/** True when `node` is (or, through a const, names) a `cacheMiddleware(...)` call. */
function isCacheCall(context: DiscoveryContext, node: ts.Node): boolean {
  const value = ts.isIdentifier(node) ? resolveValue(context.checker, node) : node;
  return (
    value !== undefined &&
    ts.isCallExpression(value) &&
    isCacheMiddlewareFactory(context, value.expression) === true
  );
}

/** The first cache middleware call written somewhere inside `node` (one level: no calls followed). */
function cacheCallInside(context: DiscoveryContext, node: ts.Node): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if ((ts.isCallExpression(child) || ts.isIdentifier(child)) && isCacheCall(context, child)) {
      found = child;
      return;
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/**
 * A `.use(x)` whose `x` is not a plain cacheMiddleware call but may hold one: `flag ? cache(…) :
 * other`, or `wrapper(…)` with a function that uses a cacheMiddleware. Whether it caches depends on
 * values codegen cannot know, so it is an error rather than a guess either way.
 */
function reportHidden(
  context: DiscoveryContext,
  arg: ts.Expression,
  inside: ts.Node,
  how: string,
): null {
  const { file, line } = context.locate(inside);
  context.report(
    arg,
    'error',
    'RC_UNRESOLVED_MIDDLEWARE',
    `\`${arg.getText()}\` ${how} a cacheMiddleware (${file}:${line}); codegen cannot tell whether this procedure is cached`,
    'pass cacheMiddleware(...) itself (inline or as a const) to .use(); keep conditions inside its options',
  );
  return null;
}

/**
 * The cache middleware call behind a `.use(arg)` argument, `null` when it is another middleware
 * (or when it cannot be told, after reporting why).
 *
 * @example
 * ```ts
 * // .use(cacheMiddleware({ ttl: 30 }))  -> that call
 * // .use(authMiddleware)               -> null
 * const call = cacheMiddlewareCall(context, useCall.arguments[0]);
 * ```
 */
export function cacheMiddlewareCall(
  context: DiscoveryContext,
  arg: ts.Expression,
): ts.CallExpression | null {
  const trace: ResolveTrace = {};
  const middleware = resolveValue(context.checker, arg, trace);
  if (middleware === undefined) {
    context.report(
      arg,
      'error',
      'RC_UNRESOLVED_MIDDLEWARE',
      `cannot resolve the middleware \`${arg.getText()}\`${context.because(trace)}; it may be a cache middleware`,
      'pass a middleware declared in the project (a const, an imported binding or an inline call)',
    );
    return null;
  }
  if (isOpaque(middleware)) {
    context.report(
      arg,
      'warning',
      'RC_OPAQUE_MIDDLEWARE',
      `\`${arg.getText()}\` is declared without a value (in a .d.ts or a compiled package); assumed not to be a cache middleware`,
      'make cache middlewares with createCacheMiddleware in the project codegen reads',
    );
    return null;
  }
  if (!ts.isCallExpression(middleware)) {
    // An inline middleware function is not a cache middleware; anything else (a conditional,
    // `a ?? b`) may pick one.
    if (ts.isArrowFunction(middleware) || ts.isFunctionExpression(middleware)) return null;
    const inside = cacheCallInside(context, middleware);
    return inside ? reportHidden(context, arg, inside, 'may or may not be') : null;
  }
  const isCache = isCacheMiddlewareFactory(context, middleware.expression);
  if (isCache === undefined) {
    context.report(
      middleware,
      'error',
      'RC_UNRESOLVED_MIDDLEWARE',
      `cannot resolve \`${middleware.expression.getText()}\`; it may be a cacheMiddleware`,
      'make the callee a const initialized by createCacheMiddleware(...) or another resolvable binding',
    );
    return null;
  }
  if (isCache) return middleware;
  // `wrapper(…)`: a project function returning a middleware. One whose single return is
  // `cacheMiddleware(…)` is one (its options are read from there, mostly as dynamic); one that
  // uses a cacheMiddleware some other way cannot be told; any other is a plain middleware factory.
  const factory = resolveValue(context.checker, middleware.expression);
  if (factory === undefined) return null;
  const returned = singleReturn(factory);
  const direct = returned && resolveValue(context.checker, returned);
  if (direct && ts.isCallExpression(direct) && isCacheCall(context, direct)) return direct;
  const inside = cacheCallInside(context, factory);
  return inside ? reportHidden(context, arg, inside, 'is made by a function that uses') : null;
}
