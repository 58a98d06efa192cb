import { InvalidOptionError } from '@routecache/core';
import {
  type CacheMiddlewareOptions,
  DEFAULT_STREAM_MAX_BYTES,
  DEFAULT_STREAM_MAX_CHUNKS,
  resolveRouteOptions,
} from '@routecache/core/adapter';
import { describe, expect, it } from 'vitest';

const withPrincipal = { principal: () => 'user' };

function optionError(options: unknown, setup = {}): InvalidOptionError {
  try {
    resolveRouteOptions(options as CacheMiddlewareOptions<never, never>, setup);
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('resolveRouteOptions', () => {
  it('resolves defaults once, frozen', () => {
    const resolved = resolveRouteOptions({}, {});
    expect(resolved).toEqual({
      ttl: undefined,
      namespace: undefined,
      key: undefined,
      vary: [],
      tags: undefined,
      scope: undefined,
      staleWhileRevalidate: undefined,
      staleIfError: undefined,
      maxAge: undefined,
      sMaxAge: undefined,
      stream: { maxChunks: DEFAULT_STREAM_MAX_CHUNKS, maxBytes: DEFAULT_STREAM_MAX_BYTES },
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(DEFAULT_STREAM_MAX_BYTES).toBe(1024 * 1024);
    expect(DEFAULT_STREAM_MAX_CHUNKS).toBe(10_000);
  });

  it('normalizes vary names and copies static tags into a frozen list', () => {
    const tags = ['posts'];
    const resolved = resolveRouteOptions(
      { vary: ['Accept-Language', 'accept-language'], tags },
      {},
    );
    expect(resolved.vary).toEqual(['accept-language']);
    tags.push('later');
    expect(resolved.tags).toEqual(['posts']);
    expect(Object.isFrozen(resolved.tags)).toBe(true);
  });

  it.each([
    [{ ttl: 0 }, 'ttl'],
    [{ ttl: Number.POSITIVE_INFINITY }, 'ttl'],
    [{ ttl: '60' }, 'ttl'],
    [{ staleWhileRevalidate: -1 }, 'staleWhileRevalidate'],
    [{ staleIfError: Number.NaN }, 'staleIfError'],
    [{ maxAge: -5 }, 'maxAge'],
    [{ sMaxAge: Number.NaN }, 'sMaxAge'],
    [{ namespace: '' }, 'namespace'],
    [{ key: 'users' }, 'key'],
    [{ vary: ['*'] }, 'vary'],
    [{ vary: ['bad header'] }, 'vary'],
    [{ tags: 'posts' }, 'tags'],
    [{ tags: ['ok', ''] }, 'tags'],
    [{ scope: 'shared' }, 'scope'],
    [{ stream: { maxChunks: 0 } }, 'stream.maxChunks'],
    [{ stream: { maxBytes: 1.5 } }, 'stream.maxBytes'],
  ])('rejects %j naming option "%s"', (options, option) => {
    const error = optionError(options, withPrincipal);
    expect(error.option).toBe(option);
    expect(error.code).toBe('ROUTECACHE_INVALID_OPTION');
  });

  it('rejects a private scope without a principal function, and s-maxage on a private route', () => {
    expect(optionError({ scope: 'private' }).message).toMatch(/principal/);
    expect(optionError({ scope: 'private', sMaxAge: 60 }, withPrincipal).option).toBe('sMaxAge');
    expect(resolveRouteOptions({ scope: 'private' }, withPrincipal).scope).toBe('private');
    // With a principal function a route without scope is private per principal: a CDN
    // directive needs the route declared public.
    expect(optionError({ sMaxAge: 60 }, withPrincipal).option).toBe('sMaxAge');
    expect(resolveRouteOptions({ sMaxAge: 60 }, {}).sMaxAge).toBe(60);
    expect(resolveRouteOptions({ scope: 'public', sMaxAge: 60 }, withPrincipal).sMaxAge).toBe(60);
  });

  it('rejects options that are not an object', () => {
    expect(optionError(null).option).toBe('options');
  });
});
