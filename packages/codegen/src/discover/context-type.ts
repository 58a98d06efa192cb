import { relative, sep } from 'node:path';
import { ts } from 'ts-morph';
import type { DiscoveryContext } from './context.js';
import { isTrpcInstance } from './procedure.js';
import { calledFunction, resolveValue, singleReturn, unwrap } from './resolve.js';
import type { ContextSource } from './types.js';

export type { ContextSource } from './types.js';

/** Builder methods that leave ctx as it is. */
const CONTEXT_KEEPING = new Set(['input', 'meta', 'output']);

/**
 * The name under which the module declaring `node` exports it, when `node` is an identifier bound
 * (through imports) to a const or function of a project file: `protectedProcedure` → its file and
 * export name. `undefined` for locals, packages and default exports.
 */
function exportedName(
  context: DiscoveryContext,
  node: ts.Expression,
): { module: string; name: string; declaration: ts.Declaration } | undefined {
  if (!ts.isIdentifier(node)) return undefined;
  const { checker } = context;
  let symbol =
    node.parent && ts.isShorthandPropertyAssignment(node.parent)
      ? checker.getShorthandAssignmentValueSymbol(node.parent)
      : checker.getSymbolAtLocation(node);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.valueDeclaration;
  if (!symbol || !declaration) return undefined;
  if (!(ts.isVariableDeclaration(declaration) || ts.isFunctionDeclaration(declaration)))
    return undefined;
  const file = declaration.getSourceFile();
  if (file.isDeclarationFile || /[/\\]node_modules[/\\]/.test(file.fileName)) return undefined;
  const moduleSymbol = checker.getSymbolAtLocation(file);
  const exported =
    moduleSymbol &&
    checker.getExportsOfModule(moduleSymbol).find((candidate) => {
      const target =
        candidate.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(candidate) : candidate;
      return target === symbol && candidate.name !== 'default';
    });
  if (!exported) return undefined;
  const module = relative(context.root, file.fileName).split(sep).join('/');
  return { module, name: exported.name, declaration };
}

/**
 * Where the type of the ctx a cache middleware sees comes from: walking back from the builder it
 * is `.use()`d on, through steps that keep ctx (`.input`, `.meta`, `.output`), to an exported
 * builder (`typeof protectedProcedure`), an exported builder factory
 * (`ReturnType<typeof requirePermission>`) or `t.procedure` (the router's context). A middleware
 * or anything else that changes ctx without an exported name after it leaves it unknown.
 */
function contextSource(
  context: DiscoveryContext,
  receiver: ts.Expression,
): Exclude<ContextSource, { kind: 'unknown' }> | { kind: 'unknown'; reason: string } {
  let builder = receiver;
  const followed = new Set<ts.Node>();
  for (;;) {
    const named = exportedName(context, unwrap(builder));
    if (named && ts.isVariableDeclaration(named.declaration)) {
      return { kind: 'builder', module: named.module, name: named.name, factory: false };
    }
    const node = resolveValue(context.checker, builder);
    if (node && ts.isPropertyAccessExpression(node) && node.name.text === 'procedure') {
      if (isTrpcInstance(context, node.expression)) return { kind: 'router' };
    }
    if (node && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (CONTEXT_KEEPING.has(method)) {
        builder = node.expression.expression;
        continue;
      }
      const { file, line } = context.locate(node.expression.name);
      return {
        kind: 'unknown',
        reason: `ctx changes at \`.${method}(…)\` (${file}:${line}) and no exported builder names the result`,
      };
    }
    if (node && ts.isCallExpression(node)) {
      const factory = exportedName(context, unwrap(node.expression));
      const fn = calledFunction(context.checker, node);
      if (factory && fn && ts.isFunctionDeclaration(factory.declaration) && !fn.typeParameters) {
        return { kind: 'builder', module: factory.module, name: factory.name, factory: true };
      }
      const returned = fn && !followed.has(fn) ? singleReturn(fn) : undefined;
      if (fn && returned) {
        followed.add(fn);
        builder = returned;
        continue;
      }
    }
    return {
      kind: 'unknown',
      reason: `\`${builder.getText()}\` is not an exported builder, builder function or t.procedure`,
    };
  }
}

/**
 * The ctx type source for the helpers of a cached procedure whose `key` reads ctx; reports
 * `RC_UNKNOWN_CONTEXT_TYPE` (no helpers: a looser type would admit a ctx the key cannot take)
 * when it cannot be named.
 *
 * @example
 * ```ts
 * // me: protectedProcedure.use(cacheMiddleware({ key: ({ ctx }) => ctx.session.user.id }))
 * contextOf(context, 'user.me', receiver, queryCall);
 * // { kind: 'builder', module: 'src/server/api/trpc.ts', name: 'protectedProcedure', factory: false }
 * ```
 */
export function contextOf(
  context: DiscoveryContext,
  path: string,
  receiver: ts.Expression,
  procedureCall: ts.CallExpression,
): ContextSource {
  const source = contextSource(context, receiver);
  if (source.kind !== 'unknown') return source;
  context.report(
    procedureCall,
    'warning',
    'RC_UNKNOWN_CONTEXT_TYPE',
    `\`${path}\`: its cache key reads ctx, but codegen cannot name the type of the ctx the cache middleware sees (${source.reason}); no keys/invalidate helpers for it`,
    'export the builder the cache middleware is used on (e.g. `export const authedProcedure = t.procedure.use(auth)`), or a function returning it',
  );
  return { kind: 'unknown' };
}
