import { describe, expect, it } from 'vitest';
import { numberOption, optionKeys, optionsObject, received, typeName } from './validate.js';

describe('received', () => {
  it.each<[unknown, string]>([
    ['60', 'got "60" (string)'],
    [Number.NaN, 'got NaN (number)'],
    [-1, 'got -1 (number)'],
    [10n, 'got 10n (bigint)'],
    [true, 'got true (boolean)'],
    [null, 'got null'],
    [undefined, 'got undefined'],
    [[1], 'got […] (array)'],
    [{ a: 1 }, 'got {…} (object)'],
    [Symbol('s'), 'got Symbol(s) (symbol)'],
    [function named() {}, 'got function named (function)'],
    ['x'.repeat(50), `got "${'x'.repeat(40)}…" (string)`],
  ])('describes %s', (value, text) => {
    expect(received(value)).toBe(text);
  });

  it('tells null and arrays apart from objects', () => {
    expect([typeName(null), typeName([]), typeName({})]).toEqual(['null', 'array', 'object']);
  });
});

describe('numberOption', () => {
  it('passes undefined through and accepts values in range', () => {
    expect(numberOption('ttl', undefined, { min: 0 })).toBeUndefined();
    expect(numberOption('ttl', 0, { min: 0 })).toBe(0);
    expect(numberOption('jitter', 1, { min: 0, max: 1 })).toBe(1);
    expect(numberOption('maxBytes', Infinity, { min: 1, integer: true, infinity: true })).toBe(
      Infinity,
    );
  });

  it.each<[unknown, Parameters<typeof numberOption>[2], string]>([
    [
      '60',
      { min: 0, unit: 'seconds' },
      'must be a finite number of seconds ≥ 0, got "60" (string)',
    ],
    [0, { min: 0, aboveMin: true }, 'must be a finite number above 0, got 0 (number)'],
    [1.5, { min: 1, integer: true }, 'must be an integer ≥ 1, got 1.5 (number)'],
    [2, { min: 0, max: 1 }, 'must be a finite number ≥ 0 and ≤ 1, got 2 (number)'],
    [Infinity, { min: 0 }, 'must be a finite number ≥ 0, got Infinity (number)'],
    [
      -1,
      { min: 1, integer: true, infinity: true },
      'must be an integer ≥ 1 or Infinity, got -1 (number)',
    ],
    [null, { min: 0 }, 'must be a finite number ≥ 0, got null'],
  ])('rejects %j, saying what is accepted and what it got', (value, rule, problem) => {
    expect(() => numberOption('opt', value, rule)).toThrowError(
      expect.objectContaining({ option: 'opt', message: `Invalid option "opt": ${problem}` }),
    );
  });
});

describe('optionsObject', () => {
  const known = optionKeys<{ ttl?: number; tags?: string[]; namespace?: string }>({
    ttl: true,
    tags: true,
    namespace: true,
  });

  it('accepts known keys and returns the object', () => {
    const options = { ttl: 1, tags: undefined };
    expect(optionsObject(options, known)).toBe(options);
  });

  it.each([
    ['ttL', 'ttl'],
    ['TTL', 'ttl'],
    ['tag', 'tags'],
    ['namespaces', 'namespace'],
  ])('rejects the unknown key %s, naming %s', (key, suggestion) => {
    expect(() => optionsObject({ [key]: 1 }, known)).toThrowError(
      expect.objectContaining({
        option: key,
        context: expect.objectContaining({ suggestion }),
        message: `Invalid option "${key}": unknown option, did you mean "${suggestion}"? (valid: ttl, tags, namespace)`,
      }),
    );
  });

  it('names nested keys with their parent', () => {
    expect(() => optionsObject({ maxChunk: 1 }, ['maxChunks'], 'stream')).toThrowError(
      expect.objectContaining({
        option: 'stream.maxChunk',
        context: expect.objectContaining({ suggestion: 'maxChunks' }),
      }),
    );
  });

  it.each([null, 'ttl', [1], 5])('rejects %j as not an object', (value) => {
    expect(() => optionsObject(value as object, known, 'breaker')).toThrowError(
      expect.objectContaining({
        option: 'breaker',
        message: expect.stringContaining(received(value)),
      }),
    );
  });
});
