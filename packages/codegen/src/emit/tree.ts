import type { CodeBlockWriter } from 'ts-morph';

/** A nested object literal of helpers, keyed by path segments. */
export interface HelperTree {
  /** The helper at this node (a leaf), written by its own writer. */
  leaf?: { docs: string; write: (writer: CodeBlockWriter) => void };
  children: Map<string, HelperTree>;
}

/**
 * A single-quoted string literal of `text`, escaped for TypeScript source.
 *
 * @example
 * ```ts
 * quote("it's"); // 'it\'s'
 * ```
 */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/**
 * A property name as written in an object literal: bare when it is an identifier, quoted otherwise.
 *
 * @example
 * ```ts
 * propertyName('get');    // get
 * propertyName('by-sku'); // 'by-sku'
 * ```
 */
export function propertyName(segment: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(segment) ? segment : quote(segment);
}

/**
 * A one-line doc comment of `docs`, a comment terminator inside it (from a tag or a path)
 * escaped.
 *
 * @example
 * ```ts
 * writeDocs(writer, '`users.get` (src/users.ts)'); // /** `users.get` (src/users.ts) *\/
 * ```
 */
export function writeDocs(writer: CodeBlockWriter, docs: string): void {
  writer.writeLine(`/** ${docs.replace(/\*\//g, '*\\/')} */`);
}

/**
 * A braced block, one `writeItem` per item, indented one level: `{}` when there are none.
 *
 * @example
 * ```ts
 * writeBraced(writer, ['a', 'b'], (name) => writer.writeLine(`${name}: 1,`)); // {\n  a: 1,\n  b: 1,\n}
 * ```
 */
export function writeBraced<T>(
  writer: CodeBlockWriter,
  items: readonly T[],
  writeItem: (item: T) => void,
): void {
  if (items.length === 0) {
    writer.write('{}');
    return;
  }
  writer.write('{').newLine();
  writer.indent(() => {
    for (const item of items) writeItem(item);
  });
  writer.write('}');
}

/**
 * An empty tree.
 *
 * @example
 * ```ts
 * const tree = emptyTree();
 * ```
 */
export const emptyTree = (): HelperTree => ({ children: new Map() });

/**
 * Insert a helper at `segments`.
 *
 * @example
 * ```ts
 * insert(tree, ['users', 'get'], { docs: '`users.get`', write: (w) => w.write('…') });
 * ```
 */
export function insert(
  tree: HelperTree,
  segments: readonly string[],
  leaf: NonNullable<HelperTree['leaf']>,
): void {
  let node = tree;
  for (const segment of segments) {
    let child = node.children.get(segment);
    if (child === undefined) {
      child = emptyTree();
      node.children.set(segment, child);
    }
    node = child;
  }
  node.leaf = leaf;
}

/**
 * Write `tree` as an object literal with sorted keys, so output never depends on discovery order.
 *
 * @example
 * ```ts
 * writeTree(writer, tree); // { users: { get: (input) => …, }, }
 * ```
 */
export function writeTree(
  writer: CodeBlockWriter,
  tree: HelperTree,
  /** Wraps every sub-router's object: `(path) => 'helpers.router(…, '`, closed with `)`. */
  router?: (path: string) => string,
  prefix: readonly string[] = [],
): void {
  writeBraced(writer, [...tree.children.keys()].sort(), (segment) => {
    const child = tree.children.get(segment) ?? emptyTree();
    if (child.leaf) {
      writeDocs(writer, child.leaf.docs);
      writer.write(`${propertyName(segment)}: `);
      child.leaf.write(writer);
    } else {
      const path = [...prefix, segment];
      writer.write(`${propertyName(segment)}: ${router ? router(path.join('.')) : ''}`);
      writeTree(writer, child, router, path);
      if (router) writer.write(')');
    }
    writer.write(',').newLine();
  });
}
