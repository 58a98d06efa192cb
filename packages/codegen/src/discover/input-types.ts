import { ts } from 'ts-morph';
import type { ResolvedConfig } from '../config/schema.js';
import type { Programs } from './program.js';

/**
 * Where one `.input(schema)` argument is, by file and text span, so the typed program can find
 * the same expression.
 */
export interface SchemaSite {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** How deep a printed input type may nest before codegen gives up on printing it. */
const MAX_DEPTH = 16;

/**
 * The raw input type (what a client sends) of each procedure — the input type of its
 * `.input()` schemas (Standard Schema), intersected when stacked — printed as self-contained
 * TypeScript from the type checker: object literals, unions, arrays, tuples, literals and lib
 * types (`Date`, `Map`…). The generated module uses these instead of
 * `inferRouterInputs<typeof router>`, which ties its types to the router's and makes a resolver
 * that calls a helper need a return-type annotation (TS7022: the router's type would depend on
 * itself). `undefined` for a type that cannot be printed self-contained (a type parameter, a
 * recursive type, a symbol-keyed brand, a function) — the caller falls back.
 *
 * The program is the app's own tsconfig with its libs, without `types` (no `@types/node`: input
 * types do not need it) and without routecache's packages; the checker computes only the
 * builder types asked for.
 *
 * @example
 * ```ts
 * printInputTypes(programs, config, new Map([['users.get', site]])); // Map { 'users.get' => '{ userId: number }' }
 * ```
 */
export function printInputTypes(
  programs: Programs,
  config: Pick<ResolvedConfig, 'router'>,
  sites: ReadonlyMap<string, readonly SchemaSite[]>,
): Map<string, string | undefined> {
  const printed = new Map<string, string | undefined>();
  if (sites.size === 0) return printed;
  // Only the schemas' types are asked for: routecache's and tRPC's packages (most of what the
  // program would parse) stay unresolved.
  const program = programs.create(
    config.router.module,
    { types: [], noEmit: true },
    (name, containingFile, options, host, cache) =>
      name.startsWith('@routecache/') || name.startsWith('@trpc/')
        ? undefined
        : ts.resolveModuleName(name, containingFile, options, host, cache).resolvedModule,
  );
  const checker = program.getTypeChecker();
  for (const [path, schemas] of sites) {
    const parts: string[] = [];
    for (const site of schemas) {
      const source = program.getSourceFile(site.file);
      const schema = source && expressionAt(source, site);
      const input = schema && standardInput(checker, checker.getTypeAtLocation(schema));
      const part = input && printType(checker, program, input, 0, new Set());
      if (part === undefined) break;
      parts.push(part);
    }
    // Stacked `.input()`s: tRPC intersects their inputs.
    printed.set(path, parts.length === schemas.length ? parts.map(group).join(' & ') : undefined);
  }
  return printed;
}

function expressionAt(source: ts.SourceFile, site: SchemaSite): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.end < site.start || node.pos > site.end) return;
    if (ts.isExpression(node) && node.getStart(source) === site.start && node.end === site.end) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The input type of a Standard Schema validator (zod, valibot, arktype…):
 * `schema['~standard']['types']['input']`, what tRPC takes as the procedure's raw input.
 */
function standardInput(checker: ts.TypeChecker, schema: ts.Type): ts.Type | undefined {
  const member = (type: ts.Type | undefined, name: string) => {
    const symbol = type?.getNonNullableType().getProperty(name);
    return symbol && checker.getTypeOfSymbol(symbol).getNonNullableType();
  };
  return member(member(member(schema, '~standard'), 'types'), 'input');
}

// Long on purpose (~80 lines): a printer with one short branch per kind of type (primitives,
// literals, unions, intersections, arrays, tuples, lib types, object members), in the order the
// checker's flags must be tested; split, the branches would pass the same five arguments around.
function printType(
  checker: ts.TypeChecker,
  program: ts.Program,
  type: ts.Type,
  depth: number,
  seen: Set<ts.Type>,
): string | undefined {
  if (depth > MAX_DEPTH || seen.has(type)) return undefined;
  const f = type.flags;
  const simple =
    ts.TypeFlags.Any |
    ts.TypeFlags.Unknown |
    ts.TypeFlags.String |
    ts.TypeFlags.Number |
    ts.TypeFlags.BigInt |
    ts.TypeFlags.Boolean |
    ts.TypeFlags.BooleanLiteral |
    ts.TypeFlags.Null |
    ts.TypeFlags.Undefined |
    ts.TypeFlags.Void |
    ts.TypeFlags.Never |
    ts.TypeFlags.ESSymbol;
  if (f & simple) return checker.typeToString(type);
  if (type.isStringLiteral()) return JSON.stringify(type.value);
  if (type.isNumberLiteral()) return String(type.value);
  if (f & ts.TypeFlags.BigIntLiteral) return checker.typeToString(type);
  const next = new Set(seen).add(type);
  const print = (member: ts.Type) => printType(checker, program, member, depth + 1, next);
  if (type.isUnion()) return printUnion(type.types, print);
  if (type.isIntersection()) {
    const parts = printAll(type.types, print);
    return parts?.map(group).join(' & ');
  }
  if (!(f & ts.TypeFlags.Object)) return undefined;
  if (checker.isArrayType(type)) {
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    const printed = element && print(element);
    if (printed === undefined) return undefined;
    const readonly = type.getSymbol()?.getName() === 'ReadonlyArray';
    return `${readonly ? 'readonly ' : ''}${group(printed)}[]`;
  }
  if (checker.isTupleType(type)) {
    const elements = printAll(checker.getTypeArguments(type as ts.TypeReference), print);
    return elements && `[${elements.join(', ')}]`;
  }
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) {
    return undefined;
  }
  const declaration = type.getSymbol()?.declarations?.[0];
  if (declaration && program.isSourceFileDefaultLibrary(declaration.getSourceFile())) {
    // A lib type (`Date`, `Map<K, V>`): its name, with printed type arguments.
    const name = type.getSymbol()?.getName() ?? '';
    const args = printAll(
      (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
        ? checker.getTypeArguments(type as ts.TypeReference)
        : [],
      print,
    );
    if (args === undefined) return undefined;
    return args.length === 0 ? name : `${name}<${args.join(', ')}>`;
  }
  const members: string[] = [];
  for (const info of checker.getIndexInfosOfType(type)) {
    const key = print(info.keyType);
    const value = print(info.type);
    if (key === undefined || value === undefined) return undefined;
    members.push(`${info.isReadonly ? 'readonly ' : ''}[key: ${key}]: ${value}`);
  }
  for (const property of checker.getPropertiesOfType(type)) {
    const name = property.getName();
    // A symbol-keyed member (`__@brand@12`) cannot be written in the generated module.
    if (name.startsWith('__')) return undefined;
    const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
    const printed = printUnion(propertyTypes(checker, property, optional), print);
    if (printed === undefined) return undefined;
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    members.push(`${key}${optional ? '?' : ''}: ${printed}`);
  }
  return members.length === 0 ? '{}' : `{ ${members.join('; ')} }`;
}

/** Every member printed, or `undefined` when one cannot be. */
function printAll(
  members: readonly ts.Type[],
  print: (member: ts.Type) => string | undefined,
): string[] | undefined {
  const parts: string[] = [];
  for (const member of members) {
    const part = print(member);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts;
}

/** A union of printed members; `true | false` prints as `boolean`. */
function printUnion(
  members: readonly ts.Type[],
  print: (member: ts.Type) => string | undefined,
): string | undefined {
  const booleans = members.filter((m) => m.flags & ts.TypeFlags.BooleanLiteral);
  const rest = booleans.length === 2 ? members.filter((m) => !booleans.includes(m)) : members;
  const parts = printAll(rest, print);
  if (parts === undefined) return undefined;
  if (rest !== members) parts.push('boolean');
  return parts.length === 1 ? (parts[0] as string) : parts.map(group).join(' | ');
}

/**
 * The declared type of a property, as union members. An optional property's type carries the
 * checker's "missing" marker (printed `undefined`, which under `exactOptionalPropertyTypes`
 * would let a caller pass an `undefined` the schema refuses): drop it, keep a real `undefined`
 * the schema allows.
 */
function propertyTypes(
  checker: ts.TypeChecker,
  property: ts.Symbol,
  optional: boolean,
): readonly ts.Type[] {
  const type = checker.getTypeOfSymbol(property);
  const members = type.isUnion() ? type.types : [type];
  if (!optional) return members;
  const undefinedType = checker.getUndefinedType();
  return members.filter(
    (member) => !(member.flags & ts.TypeFlags.Undefined) || member === undefinedType,
  );
}

/** `a | b` → `(a | b)`, for a union or intersection inside another type; anything else as is. */
function group(part: string): string {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < part.length; i++) {
    const char = part[i];
    if (char === '"' && part[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (char === '{' || char === '[' || char === '(' || char === '<') depth++;
    else if (char === '}' || char === ']' || char === ')' || char === '>') depth--;
    else if (depth === 0 && (char === '|' || char === '&' || part.startsWith('readonly ', i))) {
      return `(${part})`;
    }
  }
  return part;
}
