/**
 * The built-in classes every routecache codec round-trips, keyed by their `Object.prototype.toString`
 * tag. Codecs accept an object of such a class only when its prototype is exactly the built-in
 * one: a subclass (`class Money extends Map`) would come back as the plain built-in and silently
 * lose its methods, so it is rejected like any other class instance.
 */
/**
 * @internal Typed array classes, in a fixed order: the rcb1 codec writes the index in this list
 * as the array's kind byte, so entries are only ever appended.
 */
export const TYPED_ARRAY_TAGS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
] as const;

const SUPPORTED_BUILTINS = [
  'Array',
  'Date',
  'RegExp',
  'Map',
  'Set',
  'ArrayBuffer',
  'DataView',
  ...TYPED_ARRAY_TAGS,
  // Boxed primitives (`new String('x')`), which the codecs keep boxed.
  'Number',
  'String',
  'Boolean',
] as const;

/** @internal Tags of the supported built-ins that exist in this runtime, e.g. `Map`. */
export const BUILTIN_TAGS: ReadonlySet<string> = new Set(
  // Float16Array is missing on older runtimes (Node 20); skip what the runtime lacks.
  SUPPORTED_BUILTINS.filter(
    (name) => typeof (globalThis as Record<string, unknown>)[name] === 'function',
  ),
);

// Keyed by prototype, not by tag: one lookup both classifies a value and proves its prototype is
// exactly the built-in one, with no string built from `Object.prototype.toString`.
const TAG_BY_PROTOTYPE: ReadonlyMap<unknown, string> = new Map(
  [...BUILTIN_TAGS].map((name) => {
    const ctor = (globalThis as unknown as Record<string, { prototype: object } | undefined>)[name];
    return [ctor?.prototype, name] as const;
  }),
);

const bufferClass = (globalThis as { Buffer?: { isBuffer(value: unknown): boolean } }).Buffer;
const dateGetTime = Date.prototype.getTime;

/** Brand check: true only for objects with a real [[DateValue]], whatever their prototype. */
function isDate(value: object): boolean {
  try {
    dateGetTime.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * @internal The tag of `value` if it is a supported built-in with exactly the built-in prototype
 * (`Map`, `Float64Array`…), else `undefined`: subclasses and class instances that fake a tag
 * with `Symbol.toStringTag` are not built-ins. Two exceptions, which decode as the plain
 * built-in: a Node `Buffer` counts as a `Uint8Array` (results read from files or sockets are
 * often Buffers), and any real `Date` counts as a `Date`, because fake timers (vitest, jest,
 * sinon) make every `new Date()` an instance of a `Date` subclass, and refusing those would
 * silently stop caching in users' tests.
 *
 * @example
 * ```ts
 * builtinTag(new Float64Array(2)); // 'Float64Array'
 * builtinTag(new (class Money extends Map {})()); // undefined
 * ```
 */
export function builtinTag(value: object): string | undefined {
  const tag = TAG_BY_PROTOTYPE.get(Object.getPrototypeOf(value));
  if (tag !== undefined) return tag;
  if (bufferClass?.isBuffer(value) === true) return 'Uint8Array';
  return isDate(value) ? 'Date' : undefined;
}

/**
 * @internal `Object.prototype.toString` tag of a value, e.g. `Map` or `Float64Array`.
 *
 * @example
 * ```ts
 * tagOf(new Map()); // 'Map'
 * ```
 */
export function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/**
 * @internal Whether `value` is a plain object: its prototype is `Object.prototype` or `null`.
 *
 * @example
 * ```ts
 * isPlainObject({}); // true
 * isPlainObject(new Date()); // false
 * ```
 */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * @internal Whether `object` has own enumerable symbol keys (which no codec can carry).
 *
 * @example
 * ```ts
 * hasEnumerableSymbols({ [Symbol('k')]: 1 }); // true
 * ```
 */
export function hasEnumerableSymbols(object: object): boolean {
  const symbols = Object.getOwnPropertySymbols(object);
  // Most objects have none: skip the enumerability check (and its closure) for them.
  return (
    symbols.length > 0 && symbols.some((s) => Object.prototype.propertyIsEnumerable.call(object, s))
  );
}
