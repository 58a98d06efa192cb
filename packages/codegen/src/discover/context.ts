import { relative, sep } from 'node:path';
import type { ts } from 'ts-morph';
import type { ResolveTrace } from './resolve.js';
import type { Diagnostic, SourceLocation } from './types.js';

/**
 * A node's source on one line, shortened, for a message.
 *
 * @example
 * ```ts
 * snippet(node); // 'cached ? t.router({ hidden: t.procedure.use(cacheMiddleware()).query(() => 1) }) : t.r…'
 * ```
 */
export function snippet(node: ts.Node, max = 80): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Shared state of one discovery run.
 *
 * @example
 * ```ts
 * const context = new DiscoveryContext(program.getTypeChecker(), root);
 * context.report(node, 'error', 'RC_UNRESOLVED_BUILDER', 'cannot follow …', 'build from t.procedure');
 * ```
 */
export class DiscoveryContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly checker: ts.TypeChecker,
    /** Locations are reported relative to this directory. */
    readonly root: string,
    /** The generated module's file (absolute): `invalidates` declarations import from it. */
    readonly generated?: string,
  ) {}

  /** The `file:line:column` of a node, relative to the config root. */
  locate(node: ts.Node): SourceLocation {
    const sourceFile = node.getSourceFile();
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    const file = relative(this.root, sourceFile.fileName).split(sep).join('/');
    return { file, line: line + 1, column: character + 1 };
  }

  /**
   * `: <reason> (file:line)` for a message, from what `resolveValue` recorded; empty when
   * it recorded nothing.
   */
  because(trace: ResolveTrace): string {
    if (trace.reason === undefined) return '';
    if (trace.at === undefined) return `: ${trace.reason}`;
    const { file, line } = this.locate(trace.at);
    return `: ${trace.reason} (${file}:${line})`;
  }

  /** Record a diagnostic at `node`. */
  report(
    node: ts.Node,
    severity: Diagnostic['severity'],
    code: string,
    message: string,
    hint: string,
  ): void {
    this.diagnostics.push({ severity, code, message, hint, location: this.locate(node) });
  }
}
