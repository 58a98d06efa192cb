import { builtinTag, isPlainObject } from './builtins.js';
import {
  describeUnsupported,
  mapKeySegment,
  pathSegment,
  ROOT_PATH,
  unsupportedValue,
} from './unsupported.js';

/** Marks, on the path stack, that the next entry is a Map key rather than a property name. */
const MAP_KEY: unique symbol = Symbol('map key');

/** State of one walk. Plain functions over it, not closures: closures made per call ran 4× slower. */
interface Walk {
  readonly codec: string;
  readonly seen: Set<object>;
  /** Raw keys from the root to the current value, formatted only when an error is thrown. */
  readonly path: unknown[];
}

/**
 * @internal Walk `value` and throw the `CodecError` for the first thing a routecache codec must
 * refuse: a function, a symbol, an object with enumerable symbol keys, or an object that is
 * neither plain nor an exact supported built-in. For serializers that do not refuse these
 * themselves (`node:v8` turns class instances into plain objects and drops symbol keys).
 *
 * Each object is visited once, so shared references and cycles cost nothing extra.
 */
export function assertEncodable(codec: string, value: unknown): void {
  visit({ codec, seen: new Set(), path: [] }, value);
}

function visit(walk: Walk, thing: unknown): void {
  if (typeof thing !== 'object' || thing === null) {
    if (typeof thing === 'function' || typeof thing === 'symbol') fail(walk, thing);
    return;
  }
  if (walk.seen.has(thing)) return;
  walk.seen.add(thing);
  if (isPlainObject(thing)) {
    visitProperties(walk, thing as Record<string, unknown>);
    return;
  }
  const tag = builtinTag(thing) ?? fail(walk, thing);
  if (tag === 'Array') {
    visitArray(walk, thing as readonly unknown[]);
  } else if (tag === 'Map') {
    for (const [key, entry] of thing as ReadonlyMap<unknown, unknown>) {
      walk.path.push(MAP_KEY, key);
      visit(walk, key);
      visit(walk, entry);
      walk.path.length -= 2;
    }
  } else if (tag === 'Set') {
    for (const member of thing as ReadonlySet<unknown>) visit(walk, member);
  }
  // Every other supported built-in (Date, RegExp, typed arrays, boxed primitives) is a leaf.
}

function visitProperties(walk: Walk, object: Record<string, unknown>): void {
  const symbols = Object.getOwnPropertySymbols(object);
  if (symbols.length > 0 && symbols.some((s) => isEnumerable(object, s))) {
    fail(walk, object);
  }
  for (const key of Object.keys(object)) {
    walk.path.push(key);
    visit(walk, object[key]);
    walk.path.pop();
  }
}

function visitArray(walk: Walk, array: readonly unknown[]): void {
  // Index by index only when dense: a sparse `a[1e9] = 1` must not cost a billion steps.
  const keys = Object.keys(array);
  if (keys.length === array.length) {
    for (let index = 0; index < array.length; index += 1) {
      walk.path.push(index);
      visit(walk, array[index]);
      walk.path.pop();
    }
    return;
  }
  for (const key of keys) {
    walk.path.push(/^\d+$/.test(key) ? Number(key) : key);
    visit(walk, (array as unknown as Record<string, unknown>)[key]);
    walk.path.pop();
  }
}

function isEnumerable(object: object, key: PropertyKey): boolean {
  return Object.prototype.propertyIsEnumerable.call(object, key);
}

function fail(walk: Walk, thing: unknown): never {
  let path = ROOT_PATH;
  for (let index = 0; index < walk.path.length; index += 1) {
    const segment = walk.path[index];
    if (segment === MAP_KEY) {
      index += 1;
      path += mapKeySegment(walk.path[index]);
    } else {
      path += pathSegment(segment as string | number);
    }
  }
  throw unsupportedValue(walk.codec, path, describeUnsupported(thing));
}
