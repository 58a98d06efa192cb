import { ts } from 'ts-morph';

/**
 * Symbol-based resolution of expressions through identifiers, imports and re-exports, using the
 * type checker's binder (never a name match on identifiers). Only identifiers are resolved: asking
 * the checker for the type of builder chains would type-check the whole router, which is what
 * makes `tsc` slow.
 */

/**
 * The value an exported symbol stands for: through an import alias, the initializer of its
 * `const` (or the expression of an `export default`), or `undefined` when it is declared any
 * other way.
 *
 * @example
 * ```ts
 * exportedValue(checker, symbolOf('appRouter')); // the `t.router({...})` call expression
 * ```
 */
export function exportedValue(
  checker: ts.TypeChecker,
  symbol: ts.Symbol | undefined,
): ts.Expression | undefined {
  const resolved =
    symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = resolved?.valueDeclaration ?? resolved?.declarations?.[0];
  if (declaration === undefined) return undefined;
  if (ts.isVariableDeclaration(declaration)) return declaration.initializer;
  return ts.isExportAssignment(declaration) ? declaration.expression : undefined;
}

/** The package whose `initTRPC`, `lazy` and `mergeRouters` discovery recognises by import origin. */
export const TRPC_SERVER = '@trpc/server';
/** The package whose `createCacheMiddleware` marks a procedure as cached. */
export const ROUTECACHE_TRPC = '@routecache/trpc';
/** Packages discovery knows by name (and never loads). */
export const API_MODULES: ReadonlySet<string> = new Set([TRPC_SERVER, ROUTECACHE_TRPC]);

/** Where an imported binding comes from: the package name and the exported name. */
export interface ImportOrigin {
  module: string;
  name: string;
}

/**
 * Strip parentheses and type-only wrappers (`as`, `satisfies`, `!`, `<T>x`).
 *
 * @example
 * ```ts
 * unwrap(parse('(router as AnyRouter)!')); // the `router` identifier
 * ```
 */
export function unwrap(expr: ts.Expression): ts.Expression {
  let current = expr;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function symbolAt(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  const parent = node.parent;
  // In `{ users }` the symbol at `users` is the property; the value is the variable it names.
  if (parent && ts.isShorthandPropertyAssignment(parent) && parent.name === node) {
    return checker.getShorthandAssignmentValueSymbol(parent);
  }
  return checker.getSymbolAtLocation(node);
}

function moduleSpecifierOf(declaration: ts.Declaration): string | undefined {
  let node: ts.Node | undefined = declaration;
  while (node && !ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) node = node.parent;
  const specifier = node?.moduleSpecifier;
  return specifier && ts.isStringLiteral(specifier) ? specifier.text : undefined;
}

/**
 * The package export an identifier (or `ns.name` on a namespace import) is bound to, following
 * renamed imports and local re-exports; `undefined` for local values and relative modules.
 *
 * @example
 * ```ts
 * // import { createCacheMiddleware as make } from '@routecache/trpc';
 * originOf(checker, makeIdentifier); // { module: '@routecache/trpc', name: 'createCacheMiddleware' }
 * ```
 */
export function originOf(checker: ts.TypeChecker, expr: ts.Expression): ImportOrigin | undefined {
  const node = unwrap(expr);
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    const target = symbolAt(checker, node.expression)?.declarations?.[0];
    if (target && ts.isNamespaceImport(target)) {
      const module = moduleSpecifierOf(target);
      return module === undefined ? undefined : { module, name: node.name.text };
    }
    return undefined;
  }
  if (!ts.isIdentifier(node)) return undefined;
  let symbol = symbolAt(checker, node);
  for (let hops = 0; symbol && symbol.flags & ts.SymbolFlags.Alias && hops < 32; hops++) {
    const declaration = symbol.declarations?.[0];
    if (declaration && (ts.isImportSpecifier(declaration) || ts.isExportSpecifier(declaration))) {
      const module = moduleSpecifierOf(declaration);
      if (module !== undefined && !module.startsWith('.')) {
        return { module, name: (declaration.propertyName ?? declaration.name).text };
      }
    }
    symbol = checker.getImmediateAliasedSymbol(symbol);
  }
  return undefined;
}

/**
 * True when `expr` is bound to export `name` of package `module`.
 *
 * @example
 * ```ts
 * isExportOf(checker, callee, '@trpc/server', 'lazy'); // true for lazy(...) however imported
 * ```
 */
export function isExportOf(
  checker: ts.TypeChecker,
  expr: ts.Expression,
  module: string,
  name: string,
): boolean {
  const origin = originOf(checker, expr);
  return origin?.module === module && origin.name === name;
}

/**
 * Why {@link resolveValue} stopped without a value, for the caller's diagnostic
 * (e.g. "`p` is reassigned" at the assignment).
 */
export interface ResolveTrace {
  reason?: string;
  /** Where the reason is (the assignment, the value-less declaration). */
  at?: ts.Node;
}

const ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** True when `id` is written to: `id = …`, `id ??= …`, `id++`, `[id] = …`, `for (id of …)`. */
function isWriteTarget(id: ts.Identifier): boolean {
  let node: ts.Node = id;
  // Climb out of destructuring patterns of an assignment (`[a, { b }] = …`).
  while (
    ts.isParenthesizedExpression(node.parent) ||
    ts.isArrayLiteralExpression(node.parent) ||
    ts.isSpreadElement(node.parent) ||
    ts.isSpreadAssignment(node.parent) ||
    ts.isShorthandPropertyAssignment(node.parent) ||
    (ts.isPropertyAssignment(node.parent) && node.parent.initializer === node) ||
    (ts.isObjectLiteralExpression(node.parent) && node !== id)
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (ts.isBinaryExpression(parent)) {
    return parent.left === node && ASSIGNMENTS.has(parent.operatorToken.kind);
  }
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return (
      parent.operator === ts.SyntaxKind.PlusPlusToken ||
      parent.operator === ts.SyntaxKind.MinusMinusToken
    );
  }
  return (
    (ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.initializer === node
  );
}

const writes = new WeakMap<ts.VariableDeclaration, ts.Identifier | null>();

/**
 * The first place a `let`/`var` binding is assigned after its declaration, or `undefined`. Only
 * the declaring file can write it (imported bindings are read-only), so only that file is read.
 */
function reassignmentOf(
  checker: ts.TypeChecker,
  declaration: ts.VariableDeclaration,
): ts.Identifier | undefined {
  if (declaration.parent.flags & ts.NodeFlags.Constant) return undefined;
  const cached = writes.get(declaration);
  if (cached !== undefined) return cached ?? undefined;
  const symbol = checker.getSymbolAtLocation(declaration.name);
  let found: ts.Identifier | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (
      ts.isIdentifier(node) &&
      node !== declaration.name &&
      isWriteTarget(node) &&
      symbolAt(checker, node) === symbol
    ) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(declaration.getSourceFile());
  writes.set(declaration, found ?? null);
  return found;
}

/** The value a declaration holds, when it is an expression or a function declaration. */
function valueOfDeclaration(
  checker: ts.TypeChecker,
  declaration: ts.Declaration,
  trace: ResolveTrace | undefined,
): ts.Node | undefined {
  if (ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name)) {
    // A reassigned `let` may hold anything at the time the router is built: the initializer
    // alone would be a guess (and a silently wrong answer), so stop here.
    const write = reassignmentOf(checker, declaration);
    if (write) {
      if (trace) {
        trace.reason = `\`${declaration.name.text}\` is reassigned, so its value is unknown`;
        trace.at = write;
      }
      return undefined;
    }
    return declaration.initializer;
  }
  if (ts.isExportAssignment(declaration)) return declaration.expression;
  if (ts.isFunctionDeclaration(declaration)) return declaration;
  if (ts.isPropertyAssignment(declaration)) return declaration.initializer;
  if (ts.isMethodDeclaration(declaration)) return declaration;
  return undefined;
}

/** The declaration an identifier (or namespace member) refers to, through aliases. */
function declarationOf(checker: ts.TypeChecker, expr: ts.Expression): ts.Declaration | undefined {
  const node = unwrap(expr);
  const name = ts.isPropertyAccessExpression(node) ? node.name : node;
  let symbol = symbolAt(checker, name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
}

/** The import (specifier, default or namespace import) an identifier or `ns.name` is bound by. */
function importOf(checker: ts.TypeChecker, expr: ts.Expression): ts.Declaration | undefined {
  const node = ts.isPropertyAccessExpression(expr) ? expr.expression : expr;
  const declaration = symbolAt(checker, node)?.declarations?.[0];
  return declaration &&
    (ts.isImportSpecifier(declaration) ||
      ts.isImportClause(declaration) ||
      ts.isNamespaceImport(declaration))
    ? declaration
    : undefined;
}

/**
 * True for a value codegen sees only as declared: in a .d.ts, or imported from a compiled package.
 *
 * @example
 * ```ts
 * isOpaque(resolveValue(checker, parse('rateLimit'))); // true for `import { rateLimit } from 'pkg'`
 * ```
 */
export function isOpaque(node: ts.Node | undefined): boolean {
  return (
    node !== undefined &&
    (ts.isImportSpecifier(node) ||
      ts.isImportClause(node) ||
      ts.isNamespaceImport(node) ||
      (ts.isVariableDeclaration(node) && node.getSourceFile().isDeclarationFile))
  );
}

function isNamespaceMember(checker: ts.TypeChecker, node: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(node) || !ts.isIdentifier(node.expression)) return false;
  const target = symbolAt(checker, node.expression)?.declarations?.[0];
  return target !== undefined && ts.isNamespaceImport(target);
}

/** `obj.name` or `obj['name']`: the object and the member name, for {@link resolveValue}. */
function memberAccess(node: ts.Node): { object: ts.Expression; name: string } | undefined {
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
    return { object: node.expression, name: node.name.text };
  }
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    return { object: node.expression, name: node.argumentExpression.text };
  }
  return undefined;
}

/**
 * The value of property `name` of an object literal, read from its source (the last entry of
 * that name wins, as at run time; spreads are searched when they resolve to object literals).
 * `undefined` when the literal may not hold it or holds it in a way that cannot be read.
 */
function propertyValue(
  checker: ts.TypeChecker,
  object: ts.ObjectLiteralExpression,
  name: string,
  seen: Set<ts.Node>,
): ts.Node | undefined {
  for (const property of [...object.properties].reverse()) {
    if (ts.isSpreadAssignment(property)) {
      const spread = resolveValue(checker, property.expression, undefined, seen);
      if (!spread || !ts.isObjectLiteralExpression(spread)) return undefined;
      const value = propertyValue(checker, spread, name, seen);
      if (value !== undefined) return value;
      continue;
    }
    const key = property.name;
    if (!key || !(ts.isIdentifier(key) || ts.isStringLiteralLike(key)) || key.text !== name) {
      if (key && ts.isComputedPropertyName(key)) return undefined;
      continue;
    }
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
    return ts.isMethodDeclaration(property) ? property : undefined;
  }
  return undefined;
}

/**
 * Follow `expr` through identifiers to the expression that defines it: `usersRouter` (imported
 * from `./users.js`) becomes the `router({...})` call in users.ts. Members of object literals
 * are followed too (`routers.office` becomes the value of `office` in `const routers = {…}`).
 * Stops at tRPC / routecache exports (so callers can ask {@link originOf}), at anything that is
 * not a plain binding or a readable member (returned as is, e.g. `t.procedure`), and at
 * value-less declarations of .d.ts files (returned as is); returns `undefined` when an identifier
 * has no resolvable declaration (e.g. an unresolved import or a function parameter).
 *
 * @example
 * ```ts
 * // users.ts: export const usersRouter = t.router({ … }); router.ts: { users: usersRouter }
 * resolveValue(checker, usersIdentifier); // the t.router({ … }) call in users.ts
 * ```
 */
export function resolveValue(
  checker: ts.TypeChecker,
  expr: ts.Expression,
  trace?: ResolveTrace,
  seen = new Set<ts.Node>(),
): ts.Node | undefined {
  let node: ts.Node = unwrap(expr);
  for (;;) {
    const member = isNamespaceMember(checker, node as ts.Expression)
      ? undefined
      : memberAccess(node);
    if (member) {
      if (seen.has(node)) return undefined;
      seen.add(node);
      const object = resolveValue(checker, member.object, undefined, seen);
      const value =
        object && ts.isObjectLiteralExpression(object)
          ? propertyValue(checker, object, member.name, seen)
          : undefined;
      if (value === undefined) return node;
      node = ts.isExpression(value) ? unwrap(value) : value;
      continue;
    }
    if (!(ts.isIdentifier(node) || isNamespaceMember(checker, node as ts.Expression))) return node;
    const current = node as ts.Expression;
    const origin = originOf(checker, current);
    if (origin && API_MODULES.has(origin.module)) return current;
    if (seen.has(current)) return undefined;
    seen.add(current);
    const declaration = declarationOf(checker, current);
    const value = declaration && valueOfDeclaration(checker, declaration, trace);
    // Declared without a value in a .d.ts, or imported from a compiled package (which discovery
    // does not load): the declaration, or the import, is all there is.
    if (value === undefined) {
      if (declaration?.getSourceFile().isDeclarationFile) return declaration;
      const imported = origin && declaration === undefined ? importOf(checker, current) : undefined;
      if (imported) return imported;
      if (trace && trace.reason === undefined) {
        trace.reason = `\`${current.getText()}\` has no ${declaration ? 'value' : 'declaration'} codegen can read`;
        if (declaration) trace.at = declaration;
      }
      return undefined;
    }
    node = ts.isExpression(value) ? unwrap(value) : value;
  }
}

/** A function whose body codegen can read. */
export type FunctionNode =
  | ts.ArrowFunction
  | ts.FunctionExpression
  | ts.FunctionDeclaration
  | ts.MethodDeclaration;

/**
 * True for arrow functions, function expressions and declarations, and methods.
 *
 * @example
 * ```ts
 * isFunctionNode(resolveValue(checker, callee)); // true for `function makeRouter() {…}`
 * ```
 */
export function isFunctionNode(node: ts.Node | undefined): node is FunctionNode {
  return (
    node !== undefined &&
    (ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node))
  );
}

/**
 * The expression a function returns when it has exactly one `return`, as a statement of its
 * body (`=> x`, `{ return x; }`, `{ const y = …; if (!ok) throw …; return x; }`); `undefined`
 * when it may return different things (several returns, a return inside a branch or a loop).
 *
 * @example
 * ```ts
 * singleReturn(parse('function f(p) { return authed.use(check(p)); }')); // authed.use(check(p))
 * singleReturn(parse('function f(on) { if (on) return a; return b; }')); // undefined
 * ```
 */
export function singleReturn(fn: ts.Node): ts.Expression | undefined {
  if (!isFunctionNode(fn) || fn.body === undefined) return undefined;
  const body = fn.body;
  if (!ts.isBlock(body)) return body;
  const returns: ts.ReturnStatement[] = [];
  const visit = (node: ts.Node): void => {
    // Returns of nested functions and classes are theirs.
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node)) returns.push(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  const [only] = returns;
  return returns.length === 1 && only?.parent === body ? only.expression : undefined;
}

/**
 * The function a call calls, when it is a project function codegen can read (`makeRouter` in
 * `makeRouter('a')`), else `undefined`.
 *
 * @example
 * ```ts
 * calledFunction(checker, parse("requirePermission('admin')")); // function requirePermission(…) {…}
 * ```
 */
export function calledFunction(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
): FunctionNode | undefined {
  const callee = resolveValue(checker, call.expression);
  return isFunctionNode(callee) ? callee : undefined;
}

/**
 * The identifier or call at the root of a call/property chain (`initTRPC` in `initTRPC.context<C>().create()`).
 *
 * @example
 * ```ts
 * chainRoot(parse('initTRPC.context<Ctx>().create()')); // the `initTRPC` identifier
 * ```
 */
export function chainRoot(expr: ts.Expression): ts.Expression {
  let node = unwrap(expr);
  while (ts.isCallExpression(node) || ts.isPropertyAccessExpression(node))
    node = unwrap(node.expression);
  return node;
}
