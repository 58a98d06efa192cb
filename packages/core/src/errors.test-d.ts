import { describe, expectTypeOf, it } from 'vitest';
import {
  CodecError,
  type CodecErrorCode,
  ConfigurationError,
  InvalidOptionError,
  KeyError,
  RoutecacheError,
  type RoutecacheErrorCode,
  StoreError,
  type StoreErrorCode,
} from './errors.js';

declare const error: unknown;

describe('error codes belong to their class', () => {
  it('types each class’s code as its own set', () => {
    expectTypeOf<StoreError['code']>().toEqualTypeOf<
      | 'ROUTECACHE_STORE_ERROR'
      | 'ROUTECACHE_STORE_TIMEOUT'
      | 'ROUTECACHE_STORE_UNAVAILABLE'
      | 'ROUTECACHE_BUS_MESSAGE_INVALID'
    >();
    expectTypeOf<CodecError['code']>().toEqualTypeOf<CodecErrorCode>();
    expectTypeOf<InvalidOptionError['code']>().toEqualTypeOf<'ROUTECACHE_INVALID_OPTION'>();
    expectTypeOf<ConfigurationError['code']>().toEqualTypeOf<'ROUTECACHE_CONFIGURATION'>();
    expectTypeOf<KeyError['code']>().toEqualTypeOf<'ROUTECACHE_UNKEYABLE_INPUT'>();
    expectTypeOf<RoutecacheError['code']>().toEqualTypeOf<RoutecacheErrorCode>();
  });

  it('accepts only the class’s codes in its constructor, with the existing signatures', () => {
    new StoreError('ROUTECACHE_STORE_TIMEOUT', 'slow', { cause: error, context: { op: 'get' } });
    new CodecError('ROUTECACHE_CODEC_ENVELOPE_INVALID', 'too many tags');
    new ConfigurationError('a cache on a mutation', { context: { path: 'users.create' } });
    new InvalidOptionError('ttl', 'must be positive');
    new KeyError('cycle', '$.self', 'a cycle');
    // @ts-expect-error a codec code is not a store code
    new StoreError('ROUTECACHE_CODEC_DECODE_FAILED', 'x');
    // @ts-expect-error a store code is not a codec code
    new CodecError('ROUTECACHE_STORE_ERROR', 'x');
    // @ts-expect-error the base constructor is protected: every code is thrown by its own class
    new RoutecacheError('ROUTECACHE_STORE_ERROR', 'x');
  });
});

describe('RoutecacheError.is', () => {
  it('narrows to a routecache error', () => {
    if (RoutecacheError.is(error)) {
      expectTypeOf(error).toEqualTypeOf<RoutecacheError>();
      expectTypeOf(error.code).toEqualTypeOf<RoutecacheErrorCode>();
    }
  });

  it('narrows by code to the class that owns it', () => {
    if (RoutecacheError.is(error, 'ROUTECACHE_INVALID_OPTION')) {
      expectTypeOf(error).toExtend<InvalidOptionError>();
      expectTypeOf(error.option).toEqualTypeOf<string>();
    }
    if (RoutecacheError.is(error, 'ROUTECACHE_STORE_TIMEOUT')) {
      expectTypeOf(error).toExtend<StoreError>();
      expectTypeOf(error.code).toEqualTypeOf<'ROUTECACHE_STORE_TIMEOUT'>();
    }
    if (RoutecacheError.is(error, 'ROUTECACHE_UNKEYABLE_INPUT')) {
      expectTypeOf(error.reason).toEqualTypeOf<
        'unsupported-type' | 'cycle' | 'too-deep' | 'too-large' | 'threw'
      >();
    }
  });

  it('on a subclass, narrows to it and takes only its codes', () => {
    if (StoreError.is(error)) {
      expectTypeOf(error).toEqualTypeOf<StoreError>();
      expectTypeOf(error.code).toEqualTypeOf<StoreErrorCode>();
    }
    if (KeyError.is(error)) expectTypeOf(error.path).toEqualTypeOf<string>();
    // @ts-expect-error not a store code
    StoreError.is(error, 'ROUTECACHE_INVALID_OPTION');
    // @ts-expect-error not a routecache code at all
    RoutecacheError.is(error, 'ROUTECACHE_NOPE');
  });
});
