import { describe, expect, it } from 'vitest';
import {
  CodecError,
  ConfigurationError,
  InvalidOptionError,
  KeyError,
  RoutecacheError,
  StoreError,
} from './errors.js';

const samples = {
  invalidOption: new InvalidOptionError('ttl', 'must be a positive number'),
  configuration: new ConfigurationError('a cache on a mutation'),
  codec: new CodecError('ROUTECACHE_CODEC_DECODE_FAILED', 'bad bytes'),
  store: new StoreError('ROUTECACHE_STORE_TIMEOUT', 'Store "redis" get exceeded 50 ms'),
  key: new KeyError('cycle', '$.self', 'a cycle'),
};

/**
 * What another copy of @routecache/core builds (two versions in node_modules, or a bundle that
 * inlines one): its own classes, unrelated to these, carrying the shared brand.
 */
class OtherCopyError extends Error {
  readonly context = {};
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
Object.defineProperty(OtherCopyError.prototype, Symbol.for('@routecache/core:error'), {
  value: true,
});

describe('error classes', () => {
  it('each class owns a disjoint set of codes, and every instance carries one of its own', () => {
    const classes = [InvalidOptionError, ConfigurationError, CodecError, StoreError, KeyError];
    const all = classes.flatMap((ErrorClass) => ErrorClass.codes);
    expect(new Set(all).size).toBe(all.length);
    expect(StoreError.codes).toEqual([
      'ROUTECACHE_STORE_ERROR',
      'ROUTECACHE_STORE_TIMEOUT',
      'ROUTECACHE_STORE_UNAVAILABLE',
      'ROUTECACHE_BUS_MESSAGE_INVALID',
    ]);
    expect(samples.invalidOption.code).toBe('ROUTECACHE_INVALID_OPTION');
    expect(samples.configuration.code).toBe('ROUTECACHE_CONFIGURATION');
    expect(samples.key.code).toBe('ROUTECACHE_UNKEYABLE_INPUT');
    for (const error of Object.values(samples)) {
      const owner = classes.find((ErrorClass) => error instanceof ErrorClass);
      expect(owner?.codes).toContain(error.code);
    }
  });

  it('keep the cause, the context and the class name', () => {
    const cause = new Error('ECONNRESET');
    const error = new StoreError('ROUTECACHE_STORE_ERROR', 'get failed', {
      cause,
      context: { store: 'redis' },
    });
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ store: 'redis' });
    expect(error.name).toBe('StoreError');
    expect(new InvalidOptionError('vary[0]', 'must be a header name').context).toEqual({
      option: 'vary[0]',
    });
  });
});

describe('RoutecacheError.is', () => {
  it('recognises every routecache error, and nothing else', () => {
    for (const error of Object.values(samples)) expect(RoutecacheError.is(error)).toBe(true);
    const lookalikes = [
      new Error('x'),
      Object.assign(new Error('x'), { code: 'ROUTECACHE_STORE_TIMEOUT' }),
      { code: 'ROUTECACHE_STORE_TIMEOUT', message: 'x' },
      'ROUTECACHE_STORE_TIMEOUT',
      null,
      undefined,
    ];
    for (const value of lookalikes) expect(RoutecacheError.is(value)).toBe(false);
  });

  it('with a code, matches that code only', () => {
    expect(RoutecacheError.is(samples.store, 'ROUTECACHE_STORE_TIMEOUT')).toBe(true);
    expect(RoutecacheError.is(samples.store, 'ROUTECACHE_STORE_ERROR')).toBe(false);
    expect(RoutecacheError.is(samples.codec, 'ROUTECACHE_STORE_TIMEOUT')).toBe(false);
  });

  it('on a subclass, matches that class’s codes only', () => {
    expect(StoreError.is(samples.store)).toBe(true);
    expect(StoreError.is(samples.codec)).toBe(false);
    expect(CodecError.is(samples.codec, 'ROUTECACHE_CODEC_DECODE_FAILED')).toBe(true);
    expect(InvalidOptionError.is(samples.configuration)).toBe(false);
    expect(KeyError.is(samples.key)).toBe(true);
  });

  it('recognises an error of another copy of the package, where instanceof cannot', () => {
    const other = new OtherCopyError('ROUTECACHE_STORE_UNAVAILABLE', 'the connection closed');
    expect(other instanceof RoutecacheError).toBe(false);
    expect(RoutecacheError.is(other)).toBe(true);
    expect(RoutecacheError.is(other, 'ROUTECACHE_STORE_UNAVAILABLE')).toBe(true);
    expect(StoreError.is(other)).toBe(true);
    expect(CodecError.is(other)).toBe(false);
  });

  it('accepts a code a newer copy added on the base class only', () => {
    const newer = new OtherCopyError('ROUTECACHE_STORE_SOMETHING_NEW', 'from a later release');
    expect(RoutecacheError.is(newer)).toBe(true);
    expect(StoreError.is(newer)).toBe(false);
  });

  it('keeps the brand off the instance (no own key, nothing in JSON)', () => {
    expect(Object.getOwnPropertySymbols(samples.store)).toEqual([]);
    expect(JSON.stringify(samples.store)).not.toContain('routecache/core');
  });
});
