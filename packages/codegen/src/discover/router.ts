import { ts } from 'ts-morph';
import { type DiscoveryContext, snippet } from './context.js';
import type { SchemaSite } from './input-types.js';
import { analyzeProcedure, isTrpcInstance, procedureTypeOf } from './procedure.js';
import { mayReachCache } from './reach.js';
import {
  calledFunction,
  exportedValue,
  originOf,
  type ResolveTrace,
  resolveValue,
  singleReturn,
  TRPC_SERVER,
  unwrap,
} from './resolve.js';
import type { DiscoveredProcedure } from './types.js';

/** Where a walk is: the path so far and the lazy router prefix it is under. */
interface Position {
  path: readonly string[];
  lazyPrefix: string | undefined;
}

const UNRESOLVED_HINT =
  'declare routers as `t.router({...})` / `t.mergeRouters(...)` / `lazy(() => import(...))` literals, ' +
  'consts and imports of them, or functions with a single return of one';

/** The tRPC API a router-building call uses: `router`, `mergeRouters`, `lazy`, or undefined. */
function routerCallKind(context: DiscoveryContext, call: ts.CallExpression): string | undefined {
  const callee = resolveValue(context.checker, call.expression);
  if (callee === undefined) return undefined;
  if (ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee)) {
    const origin = originOf(context.checker, callee);
    if (origin?.module === TRPC_SERVER) return origin.name;
  }
  if (ts.isPropertyAccessExpression(callee) && isTrpcInstance(context, callee.expression)) {
    return callee.name.text;
  }
  return undefined;
}

/**
 * Walks a router and collects every procedure under it.
 *
 * @example
 * ```ts
 * const walker = new RouterWalker(context);
 * walker.walkValue(routerInitializer, { path: [], lazyPrefix: undefined });
 * [...walker.procedures.keys()]; // ['users.get', …]
 * ```
 */
export class RouterWalker {
  readonly procedures = new Map<string, DiscoveredProcedure>();
  /** The `.input(…)` schemas of each cached query taking input, by path. */
  readonly schemas = new Map<string, SchemaSite[]>();

  constructor(private readonly context: DiscoveryContext) {}

  /** Functions being followed (router factories), so a recursive one stops. */
  private readonly following = new Set<ts.Node>();

  /**
   * Walk any value that may appear in a router record. `entry` is the expression written in the
   * record (where a problem is reported), when `expr` is what a router factory returns.
   */
  walkValue(expr: ts.Expression, at: Position, spread = false, entry = expr): void {
    const trace: ResolveTrace = {};
    const node = resolveValue(this.context.checker, expr, trace);
    if (node && ts.isObjectLiteralExpression(node)) {
      this.walkRecord(node, at);
      return;
    }
    // `...(debug ? { debug: debugRouter } : {})`, `...(flag && { x })`: every branch may be there.
    if (spread && node && ts.isConditionalExpression(node)) {
      this.walkValue(node.whenTrue, at, true, entry === expr ? node.whenTrue : entry);
      this.walkValue(node.whenFalse, at, true, entry === expr ? node.whenFalse : entry);
      return;
    }
    if (
      spread &&
      node &&
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken
    ) {
      this.walkValue(node.right, at, true, entry === expr ? node.right : entry);
      return;
    }
    if (node && ts.isCallExpression(node)) {
      const type = procedureTypeOf(node);
      const kind = type ? undefined : routerCallKind(this.context, node);
      if (type && at.path.length > 0) {
        this.addProcedure(node, type, at);
        return;
      }
      if (kind === 'router' || kind === 'mergeRouters') {
        // router({...}) walks its record; mergeRouters(a, b) walks each router at the same path.
        for (const arg of kind === 'router' ? node.arguments.slice(0, 1) : node.arguments)
          this.walkValue(arg, at);
        return;
      }
      if (kind === 'lazy') {
        this.walkLazy(node, at);
        return;
      }
      // A router factory: `makeCrudRouter('tag')` whose single return is a router.
      const factory = kind === undefined ? calledFunction(this.context.checker, node) : undefined;
      const returned = factory && !this.following.has(factory) ? singleReturn(factory) : undefined;
      if (factory && returned) {
        this.following.add(factory);
        this.walkValue(returned, at, spread, entry);
        this.following.delete(factory);
        return;
      }
    }
    const through = entry === expr ? '' : ` (it returns \`${snippet(expr)}\`)`;
    this.unresolved(
      entry,
      at,
      `${spread ? `spreads \`...${entry.getText()}\`, which is` : 'is'} not a router, a procedure or a lazy router that codegen can read${through}${this.context.because(trace)}`,
    );
  }

  /**
   * An entry codegen cannot read. It blocks generation (error) only when a cache middleware is
   * reachable from it; otherwise nothing under it can be cached, so it is a warning naming what
   * the generated module does not cover.
   */
  private unresolved(node: ts.Node, at: Position, problem: string): void {
    const where = at.path.length > 0 ? `\`${at.path.join('.')}\`` : 'the router export';
    const hides = mayReachCache(this.context, node);
    this.context.report(
      node,
      hides ? 'error' : 'warning',
      'RC_UNRESOLVED_ROUTER_ENTRY',
      hides
        ? `${where} ${problem}; a cache middleware is reachable from it, so it may hide cached procedures`
        : `${where} ${problem}; no cache middleware is reachable from it, so the procedures under it are not covered (none of them is cached)`,
      UNRESOLVED_HINT,
    );
  }

  private walkRecord(record: ts.ObjectLiteralExpression, at: Position): void {
    for (const property of record.properties) {
      if (ts.isSpreadAssignment(property)) {
        this.walkValue(property.expression, at, true);
        continue;
      }
      const name = property.name;
      const key =
        name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))
          ? name.text
          : undefined;
      const value = ts.isPropertyAssignment(property)
        ? property.initializer
        : ts.isShorthandPropertyAssignment(property)
          ? property.name
          : undefined;
      if (key === undefined || value === undefined) {
        this.unresolved(
          property,
          at,
          `has an entry \`${property.getText()}\` without a literal name and value`,
        );
        continue;
      }
      this.walkValue(value, { ...at, path: [...at.path, key] });
    }
  }

  private addProcedure(
    call: ts.CallExpression,
    type: DiscoveredProcedure['type'],
    at: Position,
  ): void {
    const path = at.path.join('.');
    const location = this.context.locate((call.expression as ts.PropertyAccessExpression).name);
    if (this.procedures.has(path)) {
      this.context.report(
        call,
        'error',
        'RC_DUPLICATE_PATH',
        `duplicate procedure path \`${path}\``,
        'rename one of them (tRPC throws "Duplicate key" at run time)',
      );
      return;
    }
    const { inputSchemas, ...caching } = analyzeProcedure(this.context, path, call);
    this.procedures.set(path, {
      path,
      type,
      ...caching,
      inputType: undefined,
      lazyPrefix: at.lazyPrefix,
      location,
    });
    if (caching.cached && caching.hasInput && type === 'query') {
      this.schemas.set(
        path,
        inputSchemas.map((schema) => {
          const source = schema.getSourceFile();
          return { file: source.fileName, start: schema.getStart(source), end: schema.end };
        }),
      );
    }
  }

  /** `lazy(() => import('./x.js'))`, `.then((m) => m.name)`, or `(await import('./x.js')).name`. */
  private walkLazy(call: ts.CallExpression, at: Position): void {
    const loader = call.arguments[0] && resolveValue(this.context.checker, call.arguments[0]);
    const body =
      loader && (ts.isArrowFunction(loader) || ts.isFunctionExpression(loader))
        ? singleReturn(loader)
        : undefined;
    const target = body && lazyTarget(body);
    const moduleSymbol = target && this.context.checker.getSymbolAtLocation(target.specifier);
    if (target === undefined || moduleSymbol === undefined) {
      this.unresolved(call, at, 'is a lazy router whose import codegen cannot resolve');
      return;
    }
    const exports = this.context.checker.getExportsOfModule(moduleSymbol);
    const chosen =
      target.exportName === undefined
        ? exports
        : exports.filter((e) => e.name === target.exportName);
    const [symbol, ...others] = chosen;
    if (symbol === undefined || others.length > 0) {
      this.unresolved(
        call,
        at,
        'is a lazy router whose module does not have exactly one router export',
      );
      return;
    }
    const value = exportedValue(this.context.checker, symbol);
    if (value === undefined) {
      this.unresolved(call, at, 'is a lazy router whose export is not a const router');
      return;
    }
    this.walkValue(value, { path: at.path, lazyPrefix: at.lazyPrefix ?? at.path.join('.') });
  }
}

function importSpecifierOf(expr: ts.Expression): ts.StringLiteral | undefined {
  const node = unwrap(
    ts.isAwaitExpression(unwrap(expr)) ? (unwrap(expr) as ts.AwaitExpression).expression : expr,
  );
  if (!ts.isCallExpression(node) || node.expression.kind !== ts.SyntaxKind.ImportKeyword)
    return undefined;
  const specifier = node.arguments[0];
  return specifier && ts.isStringLiteral(specifier) ? specifier : undefined;
}

/** The module and (optional) export a lazy loader's body imports. */
function lazyTarget(
  body: ts.Expression,
): { specifier: ts.StringLiteral; exportName: string | undefined } | undefined {
  const node = unwrap(body);
  const direct = importSpecifierOf(node);
  if (direct) return { specifier: direct, exportName: undefined };
  // (await import('./x.js')).name
  if (ts.isPropertyAccessExpression(node)) {
    const specifier = importSpecifierOf(node.expression);
    return specifier ? { specifier, exportName: node.name.text } : undefined;
  }
  // import('./x.js').then((m) => m.name)
  if (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 'then'
  ) {
    const specifier = importSpecifierOf(node.expression.expression);
    const pick = node.arguments[0];
    if (!specifier || !pick || !ts.isArrowFunction(pick)) return undefined;
    const picked = singleReturn(pick);
    const param = pick.parameters[0]?.name;
    if (
      picked &&
      param &&
      ts.isIdentifier(param) &&
      ts.isPropertyAccessExpression(picked) &&
      ts.isIdentifier(picked.expression) &&
      picked.expression.text === param.text
    ) {
      return { specifier, exportName: picked.name.text };
    }
  }
  return undefined;
}
