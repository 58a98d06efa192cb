import { closest as nearest } from 'fastest-levenshtein';
/**
 * The one place factory options are checked (`createCache`, the stores, the bus, the tRPC
 * adapter): unknown keys, number ranges and how a rejected value reads in the error. Options
 * may come from untyped JavaScript or JSON, so shapes are checked, not only types.
 */
import { InvalidOptionError } from '../errors.js';

/**
 * How a rejected value reads in an error: `got "60" (string)`, `got NaN (number)`, `got null`.
 *
 * @internal For routecache's own factories and adapters.
 * @example
 * ```ts
 * received('60'); // 'got "60" (string)'
 * received([1]); // 'got […] (array)'
 * ```
 */
export function received(value: unknown): string {
  if (value === null || value === undefined) return `got ${String(value)}`;
  return `got ${shown(value)} (${typeName(value)})`;
}

/**
 * The type of a value as errors name it: `typeof`, with `null` and `array` told apart.
 *
 * @internal
 * @example
 * ```ts
 * typeName([]); // 'array'
 * typeName(null); // 'null'
 * ```
 */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function shown(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return value.name === '' ? 'a function' : `function ${value.name}`;
    case 'object':
      return Array.isArray(value) ? '[…]' : '{…}';
    default:
      return String(value);
  }
}

/**
 * The range a number option accepts. The error message is built from it, so it always says
 * exactly what is accepted.
 *
 * @internal
 * @example
 * ```ts
 * const SECONDS: NumberRule = { min: 0, unit: 'seconds' }; // finite, ≥ 0
 * ```
 */
export interface NumberRule {
  /** The lowest value accepted. */
  readonly min: number;
  /** `min` itself is refused (the value must be above it). @default false */
  readonly aboveMin?: boolean;
  /** The highest value accepted. @default no bound */
  readonly max?: number;
  /** Only safe integers. @default false */
  readonly integer?: boolean;
  /** `Infinity` is accepted too (e.g. "unbounded"). @default false */
  readonly infinity?: boolean;
  /** Named in the message: `seconds`, `milliseconds`, `bytes`. */
  readonly unit?: string;
}

/**
 * Check a number option: `undefined` passes through (the caller applies its default),
 * anything else must be a number within `rule`.
 *
 * @internal
 * @throws {InvalidOptionError} naming `option`, the accepted range and the value received.
 * @example
 * ```ts
 * numberOption('ttl', options.ttl, { min: 0, aboveMin: true, unit: 'seconds' }) ?? DEFAULT_TTL;
 * numberOption('ttl', '60', { min: 0 }); // throws: … must be a finite number ≥ 0, got "60" (string)
 * ```
 */
export function numberOption(option: string, value: unknown, rule: NumberRule): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && fits(value, rule)) return value;
  throw new InvalidOptionError(option, `${describeRule(rule)}, ${received(value)}`, {
    context: { value },
  });
}

/**
 * Check a boolean option: `undefined` passes through (the caller applies its default), anything
 * else must be `true` or `false` (a `"false"` string is refused rather than read as truthy).
 *
 * @internal
 * @throws {InvalidOptionError} naming `option` and the value received.
 * @example
 * ```ts
 * booleanOption('timeL1Hits', options.timeL1Hits) ?? false;
 * booleanOption('timeL1Hits', 'yes'); // throws: … must be true or false, got "yes" (string)
 * ```
 */
export function booleanOption(option: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidOptionError(option, `must be true or false, ${received(value)}`, {
    context: { value },
  });
}

function fits(value: number, rule: NumberRule): boolean {
  if (value === Number.POSITIVE_INFINITY && rule.infinity === true) return true;
  if (rule.integer === true ? !Number.isSafeInteger(value) : !Number.isFinite(value)) return false;
  if (rule.aboveMin === true ? value <= rule.min : value < rule.min) return false;
  return rule.max === undefined || value <= rule.max;
}

function describeRule(rule: NumberRule): string {
  let text = rule.integer === true ? 'must be an integer' : 'must be a finite number';
  if (rule.unit !== undefined) text += ` of ${rule.unit}`;
  text += rule.aboveMin === true ? ` above ${rule.min}` : ` ≥ ${rule.min}`;
  if (rule.max !== undefined && Number.isFinite(rule.max)) text += ` and ≤ ${rule.max}`;
  if (rule.infinity === true) text += ' or Infinity';
  return text;
}

/**
 * The option names of an options type, as a list checked against the type: a key missing from
 * `keys`, or one the type does not have, is a compile error. So a new option cannot be added to
 * the interface and forgotten by {@link optionsObject}.
 *
 * @internal
 * @example
 * ```ts
 * const KNOWN = optionKeys<MemoryStoreOptions>({ maxBytes: true, maxEntrySize: true, invalidationHistory: true });
 * ```
 */
export function optionKeys<T extends object>(
  keys: {
    readonly [K in keyof Required<T>]: true;
  },
): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * Check that an options argument is a plain object whose own keys are all known. A misspelt
 * key (`ttL`, `tag`) would otherwise be ignored silently and its default used.
 *
 * @internal
 * @param value - What the caller passed.
 * @param known - The valid keys, from {@link optionKeys}.
 * @param option - The dotted name of a nested options object (`stream`, `breaker`), prefixed to
 *   the keys it reports; `'options'` for a factory's argument (keys reported bare).
 * @throws {InvalidOptionError} for a non-object (named `option`) or for the first unknown key
 *   (named by the key, with the closest valid one in the message and in `context.suggestion`).
 * @example
 * ```ts
 * optionsObject({ ttL: 60 }, ['ttl', 'tags'], 'options');
 * // throws: Invalid option "ttL": unknown option, did you mean "ttl"? (valid: ttl, tags)
 * ```
 */
export function optionsObject<T extends object>(
  value: T,
  known: readonly string[],
  option = 'options',
): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(option, `must be an object, ${received(value)}`, {
      context: { value },
    });
  }
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const name = option === 'options' ? key : `${option}.${key}`;
    const suggestion = closest(key, known);
    const hint = suggestion === undefined ? '' : `, did you mean "${suggestion}"?`;
    throw new InvalidOptionError(name, `unknown option${hint} (valid: ${known.join(', ')})`, {
      context: { suggestion, known },
    });
  }
  return value;
}

/** The valid key nearest to `key` by edit distance, ignoring case (ties: the first listed). */
function closest(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = known.map((candidate) => candidate.toLowerCase());
  return known[lower.indexOf(nearest(key.toLowerCase(), lower))];
}
