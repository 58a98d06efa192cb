/**
 * Guards: recognising a routecache error thrown by another copy of @routecache/core.
 *
 * Two copies of a package in one process are common: two versions side by side in node_modules
 * (an app on one, a library it uses on another), or a bundle that inlines one. Each copy has its
 * own classes, so `error instanceof StoreError` is false for the other copy's errors, and
 * `instanceof` was the only check there was: an app's handler for store timeouts or bad options
 * silently stopped matching. `RoutecacheError.is` checks a brand every copy shares and the code.
 */
import {
  CodecError,
  InvalidOptionError,
  KeyError,
  RoutecacheError,
  StoreError,
} from '@routecache/core';
import { describe, expect, it, vi } from 'vitest';

// A real second copy: every module of @routecache/core evaluated again, with its own classes.
vi.resetModules();
const secondCopy = await import('@routecache/core');
const secondAdapter = await import('@routecache/core/adapter');

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('an error thrown by another copy of @routecache/core', () => {
  const codecError = thrownBy(() => secondCopy.defaultCodec.encode({ save() {} }));
  const optionError = thrownBy(() => secondCopy.memoryStore({ maxBytes: -5 }));
  const keyError = thrownBy(() => secondAdapter.encodeCanonical({ f() {} }));

  it('is not an instance of this copy’s classes (the premise)', () => {
    expect(secondCopy.CodecError).not.toBe(CodecError);
    expect(codecError).toBeInstanceOf(secondCopy.CodecError);
    expect(codecError instanceof CodecError).toBe(false);
    expect(optionError instanceof RoutecacheError).toBe(false);
  });

  it('is recognised by RoutecacheError.is, by class and by code', () => {
    expect(RoutecacheError.is(codecError, 'ROUTECACHE_CODEC_UNSUPPORTED_VALUE')).toBe(true);
    expect(CodecError.is(codecError)).toBe(true);
    expect(StoreError.is(codecError)).toBe(false);
    expect(InvalidOptionError.is(optionError)).toBe(true);
    expect(KeyError.is(keyError)).toBe(true);
    // Narrowed by the code: `option` is there to read.
    expect(RoutecacheError.is(optionError, 'ROUTECACHE_INVALID_OPTION') && optionError.option).toBe(
      'maxBytes',
    );
  });

  it('and the other copy recognises this copy’s errors alike', () => {
    const local = new StoreError('ROUTECACHE_STORE_TIMEOUT', 'Store "redis" get exceeded 50 ms');
    expect(secondCopy.StoreError.is(local, 'ROUTECACHE_STORE_TIMEOUT')).toBe(true);
    expect(secondCopy.RoutecacheError.is(new Error('plain'))).toBe(false);
  });
});
