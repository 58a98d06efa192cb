import { ts } from 'ts-morph';
import type { DiscoveryContext } from './context.js';
import { type FunctionNode, isFunctionNode, type ResolveTrace, resolveValue } from './resolve.js';
import type { ReadsContext, StaticCacheOptions } from './types.js';

/** Options of a `cacheMiddleware()` call without arguments. */
const DEFAULTS: StaticCacheOptions = {
  namespace: undefined,
  tags: [],
  dynamicTags: false,
  customKey: undefined,
  vary: [],
  scope: undefined,
};

function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)))
    return node.text;
  return undefined;
}

/** String literals of an array literal; `undefined` when any element is not one. */
function literalList(context: DiscoveryContext, value: ts.Expression): string[] | undefined {
  const node = resolveValue(context.checker, value);
  if (!node || !ts.isArrayLiteralExpression(node)) return undefined;
  const items = node.elements.map((element) => literalText(resolveValue(context.checker, element)));
  return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
}

/**
 * Whether a `key({ input, ctx, path })` function reads `ctx`.
 *
 * @example
 * ```ts
 * readsContext(parse('({ ctx }) => ctx.userId')); // true
 * readsContext(parse('(o) => o.input.id'));       // false
 * ```
 */
export function readsContext(fn: FunctionNode): ReadsContext {
  const param = fn.parameters[0];
  if (param === undefined) return false;
  if (ts.isObjectBindingPattern(param.name)) {
    let result: ReadsContext = false;
    for (const element of param.name.elements) {
      const name = element.propertyName ?? element.name;
      // `...rest` may carry ctx anywhere; we cannot tell.
      if (element.dotDotDotToken) result = 'unknown';
      else if (ts.isIdentifier(name) && name.text === 'ctx') return true;
    }
    return result;
  }
  if (!ts.isIdentifier(param.name) || fn.body === undefined) return 'unknown';
  const paramName = param.name.text;
  let result: ReadsContext = false;
  const visit = (node: ts.Node): void => {
    if (result === true) return;
    if (ts.isIdentifier(node) && node.text === paramName && node !== param.name) {
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
        if (parent.name.text === 'ctx') result = true;
      } else {
        // The whole options object escapes (passed on, indexed dynamically): it may reach ctx.
        result = 'unknown';
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
  return result;
}

function keyInfo(context: DiscoveryContext, value: ts.Node): StaticCacheOptions['customKey'] {
  const trace: ResolveTrace = {};
  const fn = isFunctionNode(value)
    ? value
    : resolveValue(context.checker, value as ts.Expression, trace);
  if (isFunctionNode(fn)) return { readsContext: readsContext(fn) };
  reportDynamic(
    context,
    value,
    'key',
    `is not a function codegen can read${context.because(trace)}; whether it reads ctx is unknown, so the helpers take an optional ctx`,
    'write the key inline or as a const arrow function / function declaration in the project',
  );
  return { readsContext: 'unknown' };
}

/**
 * A cacheMiddleware option codegen cannot read statically. The keys stay right (the generated
 * helpers call the middleware's own functions at run time); what is lost is said in `effect`.
 */
function reportDynamic(
  context: DiscoveryContext,
  node: ts.Node,
  option: string,
  effect: string,
  hint = `write \`${option}\` as a literal (or a const of one) so codegen can read it`,
): void {
  context.report(
    node,
    'warning',
    'RC_DYNAMIC_OPTION',
    `cacheMiddleware option \`${option}\` ${effect}`,
    hint,
  );
}

/**
 * Read what can be read statically from the options argument of `cacheMiddleware(options)`.
 * Values that are not literals are reported as `'dynamic'`; keys still come from the runtime, so
 * this only shapes the generated helpers' documentation, parameters and tag helpers.
 *
 * @example
 * ```ts
 * readCacheOptions(context, call.arguments[0]);
 * // { namespace: 'users', tags: ['users'], vary: ['accept-language'], customKey: undefined, … }
 * ```
 */
// Long on purpose (~85 lines): the one table of what codegen reads statically, one branch per
// option (key, namespace/scope, vary, tags), each with its diagnostic when it is not a literal.
export function readCacheOptions(
  context: DiscoveryContext,
  argument: ts.Expression | undefined,
): StaticCacheOptions {
  if (argument === undefined) return DEFAULTS;
  const node = resolveValue(context.checker, argument);
  if (!node || !ts.isObjectLiteralExpression(node)) {
    context.report(
      argument,
      'warning',
      'RC_DYNAMIC_CACHE_OPTIONS',
      'cacheMiddleware options are not an object literal; their static values are unknown',
      'write the options inline (or as a const object literal) so codegen can read namespace, tags and key',
    );
    return {
      ...DEFAULTS,
      namespace: 'dynamic',
      dynamicTags: true,
      customKey: { readsContext: 'unknown' },
      vary: 'dynamic',
      scope: 'dynamic',
    };
  }
  const options: { -readonly [K in keyof StaticCacheOptions]: StaticCacheOptions[K] } = {
    ...DEFAULTS,
  };
  for (const property of node.properties) {
    if (ts.isSpreadAssignment(property)) {
      const spread = readCacheOptions(context, property.expression);
      Object.assign(options, spread, { tags: [...options.tags, ...spread.tags] });
      continue;
    }
    const name =
      property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
        ? property.name.text
        : undefined;
    const value = ts.isPropertyAssignment(property)
      ? property.initializer
      : ts.isShorthandPropertyAssignment(property)
        ? property.name
        : ts.isMethodDeclaration(property)
          ? property
          : undefined;
    if (name === undefined || value === undefined) {
      // `[k]: …` or a getter may set any option, `key` included.
      reportDynamic(
        context,
        property,
        property.name?.getText() ?? property.getText(),
        'has a name or form codegen cannot read; it may set any option',
        'write options as plain `name: value` entries',
      );
      continue;
    }
    if (name === 'key') {
      options.customKey = keyInfo(context, value);
    } else if ((name === 'namespace' || name === 'scope') && ts.isExpression(value)) {
      const text = literalText(resolveValue(context.checker, value));
      if (text === undefined) reportDynamic(context, value, name, 'is not a string literal');
      options[name] = text ?? 'dynamic';
    } else if (name === 'vary' && ts.isExpression(value)) {
      const vary = literalList(context, value);
      if (vary === undefined) reportDynamic(context, value, name, 'is not a list of literals');
      options.vary = vary ?? 'dynamic';
    } else if (name === 'tags') {
      const tags = ts.isExpression(value) ? literalList(context, value) : undefined;
      // `tags: ({ input }) => [...]` computes names per call by design: nothing to warn about.
      const computed =
        isFunctionNode(value) ||
        (ts.isExpression(value) && isFunctionNode(resolveValue(context.checker, value)));
      if (tags === undefined && !computed) {
        reportDynamic(
          context,
          value,
          name,
          'is not a list of string literals: no invalidateTag helpers for its tags',
        );
      }
      if (tags === undefined) options.dynamicTags = true;
      else options.tags = [...options.tags, ...tags];
    }
  }
  options.tags = [...new Set(options.tags)].sort();
  return options;
}
