import { ts } from 'ts-morph';

/**
 * `--check` compares what a generated module means, not its layout: a formatter (biome, prettier,
 * a pre-commit hook) may rewrap lines, change quotes, indentation, trailing commas and the order
 * of imports without making the file stale. Both sides are printed by the TypeScript printer
 * after normalizing what formatters change, and those prints are compared line by line.
 */

/** The most differing lines `--check` prints. */
const MAX_LINES = 24;
/** Unchanged lines shown around each change. */
const CONTEXT = 2;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Undo what formatters change: quotes, wrapping of object and array literals, trailing commas, quoted names. */
// Long on purpose (~80 lines): a TypeScript transformer whose visitor has one short branch per
// node kind a formatter rewrites (strings, property names, literals, calls, arrows, imports).
function normalizer(context: ts.TransformationContext): (file: ts.SourceFile) => ts.SourceFile {
  const { factory } = context;
  const keep = <T extends ts.Node>(node: T, original: ts.Node): T =>
    ts.setOriginalNode(ts.setTextRange(node, original), original);
  // Recreated without `hasTrailingComma`, so a formatter's trailing comma does not count.
  const list = <T extends ts.Node>(nodes: ts.NodeArray<T>, items: readonly T[] = nodes) =>
    ts.setTextRange(factory.createNodeArray(items, false), nodes);
  const visit = (node: ts.Node): ts.Node => {
    const next = ts.visitEachChild(node, visit, context);
    if (ts.isStringLiteral(next)) {
      // Only the quotes go. Without a text range: the printer keeps line breaks between list
      // items that have one (e.g. a formatter's wrapped array).
      const literal = factory.createStringLiteral(next.text, true);
      // A property name keeps its range: the doc comment before the property is printed from it.
      const isName = ts.isPropertyAssignment(node.parent) && node.parent.name === node;
      return isName ? keep(literal, next) : ts.setOriginalNode(literal, next);
    }
    if (ts.isPropertyAssignment(next)) {
      const name =
        ts.isStringLiteral(next.name) && IDENTIFIER.test(next.name.text)
          ? factory.createIdentifier(next.name.text)
          : next.name;
      // Without a text range, so the printer does not keep a formatter's line breaks between
      // properties; the name keeps its own, so the doc comment before it is still printed.
      return ts.setOriginalNode(factory.createPropertyAssignment(name, next.initializer), next);
    }
    if (ts.isObjectLiteralExpression(next)) {
      return keep(
        factory.createObjectLiteralExpression(list(next.properties), next.properties.length > 0),
        next,
      );
    }
    if (ts.isArrayLiteralExpression(next)) {
      return keep(factory.createArrayLiteralExpression(list(next.elements), false), next);
    }
    if (ts.isCallExpression(next)) {
      return keep(
        factory.updateCallExpression(
          next,
          next.expression,
          next.typeArguments && list(next.typeArguments),
          list(next.arguments),
        ),
        next,
      );
    }
    if (ts.isArrowFunction(next)) {
      return keep(
        factory.updateArrowFunction(
          next,
          next.modifiers,
          next.typeParameters,
          list(next.parameters),
          next.type,
          next.equalsGreaterThanToken,
          next.body,
        ),
        next,
      );
    }
    if (ts.isNamedImports(next)) {
      const sorted = [...next.elements].sort((a, b) => compare(a.name.text, b.name.text));
      return keep(factory.updateNamedImports(next, list(next.elements, sorted)), next);
    }
    return next;
  };
  return (file) => {
    const visited = ts.visitEachChild(file, visit, context);
    // Import order is layout too (biome's organizeImports sorts them).
    const imports = visited.statements.filter(ts.isImportDeclaration);
    const rest = visited.statements.filter((s) => !ts.isImportDeclaration(s));
    const specifier = (s: ts.ImportDeclaration) => (s.moduleSpecifier as ts.StringLiteral).text;
    imports.sort((a, b) =>
      compare(
        `${specifier(a)}${a.importClause?.isTypeOnly}`,
        `${specifier(b)}${b.importClause?.isTypeOnly}`,
      ),
    );
    return factory.updateSourceFile(visited, [...imports, ...rest]);
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The lines of `text` as the TypeScript printer prints it once normalized (two-space indents):
 * equal for two files that differ only in layout. The file's leading comments (the banner) come
 * first, as their own lines, so that sorting imports cannot move them.
 *
 * @example
 * ```ts
 * canonicalLines("const a = { b: 'c', };\n"); // ["const a = { b: 'c' };"]
 * ```
 */
export function canonicalLines(text: string): string[] {
  const header = ts.getLeadingCommentRanges(text, 0) ?? [];
  const headerEnd = header.at(-1)?.end ?? 0;
  const source = ts.createSourceFile(
    'generated.ts',
    // Blanked out, not cut: the rest keeps its positions (comments are printed from them).
    ' '.repeat(headerEnd) + text.slice(headerEnd),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  const result = ts.transform(source, [normalizer]);
  const printed = ts
    .createPrinter({ newLine: ts.NewLineKind.LineFeed })
    .printFile(result.transformed[0] ?? source);
  result.dispose();
  const lines = printed
    .split('\n')
    .map((line) => line.replace(/^( {4})+/, (indent) => ' '.repeat(indent.length / 2)))
    .filter((line) => line.trim() !== '');
  return [
    ...header.map((range) => text.slice(range.pos, range.end).replace(/\s+/g, ' ').trim()),
    ...lines,
  ];
}

/**
 * Whether two generated modules mean the same, whatever their layout (formatter output included).
 *
 * @example
 * ```ts
 * sameMeaning("export const a = { b: 'c' };\n", 'export const a = {\n\tb: "c",\n};\n'); // true
 * ```
 */
export function sameMeaning(a: string, b: string): boolean {
  if (a === b) return true;
  const left = canonicalLines(a);
  const right = canonicalLines(b);
  return left.length === right.length && left.every((line, i) => line === right[i]);
}

/** One line of a diff: kept (` `), removed (`-`) or added (`+`). */
type Edit = { sign: ' ' | '-' | '+'; line: string };

/** A shortest line diff: common head and tail, then Myers' O(ND) algorithm on the middle. */
function lineDiff(a: readonly string[], b: readonly string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const same = (lines: readonly string[]): Edit[] => lines.map((line) => ({ sign: ' ', line }));
  return [
    ...same(a.slice(0, head)),
    ...myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...same(a.slice(a.length - tail)),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const max = a.length + b.length;
  const at = (v: Int32Array, k: number): number => v[max + k] ?? 0;
  const v = new Int32Array(2 * max + 2);
  // trace[d]: the furthest x on each diagonal k before step d.
  const trace: Int32Array[] = [];
  const down = (w: Int32Array, d: number, k: number): boolean =>
    k === -d || (k !== d && at(w, k - 1) < at(w, k + 1));
  search: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = down(v, d, k) ? at(v, k + 1) : at(v, k - 1) + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= a.length && y >= b.length) break search;
    }
  }
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const w = trace[d] as Int32Array;
    const k = x - y;
    const prevK = down(w, d, k) ? k + 1 : k - 1;
    const prevX = at(w, prevK);
    const prevY = prevX - prevK;
    for (; x > prevX && y > prevY; x--, y--) edits.push({ sign: ' ', line: a[x - 1] ?? '' });
    if (d === 0) break;
    if (x === prevX) edits.push({ sign: '+', line: b[--y] ?? '' });
    else edits.push({ sign: '-', line: a[--x] ?? '' });
  }
  return edits.reverse();
}

/**
 * How the file on disk differs in meaning from what codegen would write: counts of lines to add
 * and remove, then the changed lines with a little context, as the TypeScript printer prints
 * both sides (real lines, indented; layout differences are not shown because they do not count).
 * `undefined` when they mean the same.
 *
 * @example
 * ```ts
 * diffSummary('const a = 1;\n', 'const a = 2;\n');
 * // '1 line(s) to add, 1 to remove (layout ignored)\n  - const a = 1;\n  + const a = 2;'
 * ```
 */
export function diffSummary(onDisk: string | undefined, expected: string): string | undefined {
  if (onDisk === undefined) return 'the file does not exist';
  if (sameMeaning(onDisk, expected)) return undefined;
  const edits = lineDiff(canonicalLines(onDisk), canonicalLines(expected));
  const added = edits.filter((e) => e.sign === '+').length;
  const removed = edits.filter((e) => e.sign === '-').length;
  const near = (i: number) =>
    edits.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((e) => e.sign !== ' ');
  const shown: string[] = [];
  let changed = 0;
  let gap = false;
  for (const [i, edit] of edits.entries()) {
    if (!near(i)) {
      gap = shown.length > 0;
      continue;
    }
    if (edit.sign !== ' ' && ++changed > MAX_LINES) {
      shown.push(`  … ${added + removed - MAX_LINES} more changed line(s)`);
      break;
    }
    if (gap) shown.push('  …');
    gap = false;
    shown.push(`  ${edit.sign} ${edit.line}`);
  }
  return [`${added} line(s) to add, ${removed} to remove (layout ignored)`, ...shown].join('\n');
}
