import { dirname, resolve } from 'node:path';
import { ts } from 'ts-morph';
import type { DiscoveryContext } from './context.js';
import type { DeclaredTarget } from './types.js';

/** The generated module's exports a declaration is written with. */
type GeneratedExport = 'invalidates' | 'routes' | 'tags' | 'tag';

/**
 * Whether `identifier` is the generated module's export `name`, imported (possibly renamed)
 * from the configured output file. Read from the import alone: the file may not exist yet.
 */
function isGenerated(context: DiscoveryContext, node: ts.Node, name: GeneratedExport): boolean {
  if (!ts.isIdentifier(node) || context.generated === undefined) return false;
  const declaration = context.checker.getSymbolAtLocation(node)?.declarations?.[0];
  if (declaration === undefined || !ts.isImportSpecifier(declaration)) return false;
  if ((declaration.propertyName ?? declaration.name).text !== name) return false;
  const specifier = declaration.parent.parent.parent.moduleSpecifier;
  if (!ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return false;
  const from = dirname(declaration.getSourceFile().fileName);
  const target = resolve(from, specifier.text).replace(/\.(m|c)?js$/, '');
  return target === context.generated.replace(/\.(m|c)?tsx?$/, '');
}

/**
 * The `invalidates(resolve)` call behind a `.use(arg)`, when `arg` is one (inline: a declaration
 * is written on its mutation).
 *
 * @example
 * ```ts
 * // .use(invalidates(({ input }) => [routes.users.get({ userId: input.userId })]))
 * invalidatesCall(context, useArgument); // that call
 * ```
 */
export function invalidatesCall(
  context: DiscoveryContext,
  arg: ts.Expression,
): ts.CallExpression | undefined {
  return ts.isCallExpression(arg) && isGenerated(context, arg.expression, 'invalidates')
    ? arg
    : undefined;
}

/**
 * What a declaration names, read from its resolve function: `routes.a.b(…)` (a call of `a.b`),
 * `routes.a.b` / `routes.a` (every call under that path), `tags.x` (static tag `x`) and
 * `tag(…)` (a computed tag).
 *
 * @example
 * ```ts
 * declaredTargets(context, call); // [{ kind: 'call', name: 'users.get', location }, { kind: 'path', name: 'users', location }]
 * ```
 */
export function declaredTargets(
  context: DiscoveryContext,
  call: ts.CallExpression,
): DeclaredTarget[] {
  const targets: DeclaredTarget[] = [];
  const visit = (node: ts.Node): void => {
    if (isGenerated(context, node, 'routes')) {
      const segments: string[] = [];
      let top: ts.Node = node;
      for (let name = memberName(top); name !== undefined; name = memberName(top)) {
        top = top.parent;
        segments.push(name);
      }
      if (segments.length === 0) return;
      const called = ts.isCallExpression(top.parent) && top.parent.expression === top;
      targets.push({
        kind: called ? 'call' : 'path',
        name: segments.join('.'),
        location: context.locate(top),
      });
      return;
    }
    const tag = isGenerated(context, node, 'tags') ? memberName(node) : undefined;
    if (tag !== undefined) {
      targets.push({ kind: 'tag', name: tag, location: context.locate(node) });
      return;
    }
    if (
      isGenerated(context, node, 'tag') &&
      ts.isCallExpression(node.parent) &&
      node.parent.expression === node
    ) {
      targets.push({ kind: 'computed', name: '(computed)', location: context.locate(node) });
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const arg of call.arguments) visit(arg);
  return targets;
}

/** `x` of `node.x` or `node['x']`, when `node` is the object of that member access. */
function memberName(node: ts.Node): string | undefined {
  const { parent } = node;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return parent.name.text;
  if (
    ts.isElementAccessExpression(parent) &&
    parent.expression === node &&
    ts.isStringLiteral(parent.argumentExpression)
  ) {
    return parent.argumentExpression.text;
  }
  return undefined;
}
