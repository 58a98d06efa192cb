import { ts } from 'ts-morph';
import type { DiscoveryContext } from './context.js';
import { originOf, ROUTECACHE_TRPC } from './resolve.js';

/** `.query(…)`-style calls: their arguments are resolvers, which cannot make a procedure cached. */
const RESOLVER_METHODS = new Set(['query', 'mutation', 'subscription']);

/** Where a declaration's value lives, for the scan (`undefined`: nothing to read). */
function scanTarget(declaration: ts.Declaration): ts.Node | undefined {
  const file = declaration.getSourceFile();
  // A compiled package or an ambient declaration: assumed to hold no cache middleware, as a
  // middleware known only from a .d.ts is (RC_OPAQUE_MIDDLEWARE).
  if (file.isDeclarationFile || /[/\\]node_modules[/\\]/.test(file.fileName)) return undefined;
  if (ts.isParameter(declaration) || ts.isTypeParameterDeclaration(declaration)) return undefined;
  if (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration))
    return undefined;
  if (ts.isBindingElement(declaration)) {
    let node: ts.Node = declaration;
    while (
      ts.isBindingElement(node) ||
      ts.isObjectBindingPattern(node) ||
      ts.isArrayBindingPattern(node)
    )
      node = node.parent;
    return node;
  }
  // A `let` may be assigned anywhere in its file: read all of it.
  if (ts.isVariableDeclaration(declaration) && !(declaration.parent.flags & ts.NodeFlags.Const))
    return file;
  return declaration;
}

/**
 * Whether a cache middleware may be reachable from `node`: its own code and, transitively, the
 * project code its identifiers refer to (consts, functions, imports — never the resolvers of
 * `.query(…)` calls or inline middleware functions, which cannot make a procedure cached) leads
 * to `createCacheMiddleware` of `@routecache/trpc`. A construct codegen cannot follow blocks
 * generation only when this is true: otherwise it cannot hide a cached procedure.
 *
 * @example
 * ```ts
 * // function makeRouter() { return t.router({ a: t.procedure.query(() => 1) }); }
 * mayReachCache(context, parse('makeRouter()')); // false: nothing under it can be cached
 * ```
 */
// Long on purpose (~65 lines): one worklist walk whose visitor has a branch per construct it
// follows (resolver calls, inline middleware, lazy imports, identifiers to their declarations).
export function mayReachCache(context: DiscoveryContext, node: ts.Node): boolean {
  const { checker } = context;
  const scanned = new Set<ts.Node>();
  const pending: ts.Node[] = [node];
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression)) {
      const method = child.expression.name.text;
      if (RESOLVER_METHODS.has(method)) {
        visit(child.expression);
        return;
      }
      const [arg] = child.arguments;
      if (method === 'use' && arg && (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg))) {
        visit(child.expression);
        return;
      }
    }
    // `lazy(() => import('./x.js'))`: the whole module it loads; one codegen cannot find may hold anything.
    if (ts.isCallExpression(child) && child.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [specifier] = child.arguments;
      const loaded =
        specifier && ts.isStringLiteral(specifier)
          ? checker.getSymbolAtLocation(specifier)?.valueDeclaration
          : undefined;
      if (loaded === undefined) {
        found = !(specifier && ts.isStringLiteral(specifier) && !specifier.text.startsWith('.'));
        return;
      }
      const target = scanTarget(loaded);
      if (target && !scanned.has(target)) {
        scanned.add(target);
        pending.push(target);
      }
      return;
    }
    if (ts.isIdentifier(child)) {
      const origin = originOf(checker, child);
      if (origin?.module === ROUTECACHE_TRPC && origin.name === 'createCacheMiddleware') {
        found = true;
        return;
      }
      let symbol = checker.getSymbolAtLocation(child);
      const namespace = symbol?.declarations?.find(ts.isNamespaceImport);
      if (namespace) {
        const specifier = namespace.parent.parent.moduleSpecifier;
        if (ts.isStringLiteral(specifier) && specifier.text === ROUTECACHE_TRPC) found = true;
        return;
      }
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      for (const declaration of symbol?.declarations ?? []) {
        const target = scanTarget(declaration);
        if (target && !scanned.has(target)) {
          scanned.add(target);
          pending.push(target);
        }
      }
      return;
    }
    ts.forEachChild(child, visit);
  };
  for (let next = pending.pop(); next && !found; next = pending.pop()) visit(next);
  return found;
}
