import { describe, expect, it } from 'vitest';
import { defaultCodec } from '../codec/index.js';
import { InvalidOptionError } from '../errors.js';
import type { CacheStore } from '../stores/types.js';
import { createCache } from './create-cache.js';
import type { CacheOptions } from './types.js';

describe('createCache options', () => {
  it.each<[string, CacheOptions]>([
    ['ttl', { ttl: -1 }],
    ['ttl', { ttl: Number.POSITIVE_INFINITY }],
    ['ttl', { ttl: Number.NaN }],
    ['jitter', { jitter: 1.5 }],
    ['jitter', { jitter: -0.1 }],
    ['staleWhileRevalidate', { staleWhileRevalidate: -5 }],
    ['staleIfError', { staleIfError: Number.POSITIVE_INFINITY }],
    ['storeTimeout', { storeTimeout: 0 }],
    ['storeTimeout', { storeTimeout: Number.POSITIVE_INFINITY }],
    ['leaseTimeout', { leaseTimeout: -1 }],
    ['namespace', { namespace: '' }],
    ['namespacePolicy', { namespacePolicy: 'merge' as 'concat' }],
    [
      'store',
      {
        store: {
          name: 'half',
          requiresBytes: false,
          get: () => undefined,
        } as unknown as CacheStore,
      },
    ],
    ['store', { store: null as unknown as CacheStore }],
    ['codec', { codec: { id: 'x' } as unknown as CacheOptions['codec'] & object }],
  ])('rejects an invalid %s at factory time, naming it', (option, options) => {
    expect(() => createCache(options)).toThrowError(InvalidOptionError);
    expect(() => createCache(options)).toThrowError(expect.objectContaining({ option }));
  });

  it('rejects two read codecs sharing an id', () => {
    const clone = { ...defaultCodec, encode: defaultCodec.encode };
    expect(() => createCache({ readCodecs: [defaultCodec, clone] })).toThrowError(
      InvalidOptionError,
    );
  });

  it('accepts the documented ranges and defaults', () => {
    const cache = createCache({
      ttl: 0,
      jitter: 1,
      staleWhileRevalidate: 0,
      staleIfError: 10,
      storeTimeout: 1,
    });
    expect(cache.namespace).toBeUndefined();
    expect(cache.store.name).toBe('memory');
  });
});
