import { describe, expect, it } from 'vitest';
import { parseTrpcQueryKey, queryIdentity } from './query-keys.js';

describe('parseTrpcQueryKey', () => {
  it('reads the keys @trpc/tanstack-react-query and @trpc/react-query build', () => {
    expect(
      parseTrpcQueryKey([['users', 'get'], { input: { id: 1 }, type: 'query' }], undefined),
    ).toEqual({
      path: 'users.get',
      segments: ['users', 'get'],
      type: 'query',
      input: { id: 1 },
    });
    expect(parseTrpcQueryKey([['users', 'list'], { type: 'infinite' }], undefined)).toMatchObject({
      type: 'infinite',
      input: undefined,
    });
    expect(parseTrpcQueryKey([['app'], ['users', 'list'], { type: 'query' }], 'app')).toMatchObject(
      {
        path: 'users.list',
      },
    );
  });

  it('refuses keys that are not tRPC query keys', () => {
    expect(parseTrpcQueryKey(['todos'], undefined)).toBeUndefined();
    expect(parseTrpcQueryKey([['users', 'list']], undefined)).toBeUndefined(); // a mutation key
    expect(parseTrpcQueryKey([['users'], { type: 'any' }], undefined)).toBeUndefined();
    expect(parseTrpcQueryKey([['users', 'list'], { type: 'query' }], 'app')).toBeUndefined();
    expect(parseTrpcQueryKey([['other'], ['users'], { type: 'query' }], 'app')).toBeUndefined();
  });
});

describe('queryIdentity', () => {
  it('ignores object key order and takes null for no input, as React Query hashes keys', () => {
    expect(queryIdentity('a.b', 'query', { x: 1, y: { p: 1, q: 2 } })).toBe(
      queryIdentity('a.b', 'query', { y: { q: 2, p: 1 }, x: 1 }),
    );
    expect(queryIdentity('a.b', 'query', undefined)).toBe(queryIdentity('a.b', 'query', null));
    expect(queryIdentity('a.b', 'query', { x: 1 })).not.toBe(
      queryIdentity('a.c', 'query', { x: 1 }),
    );
  });

  it('reads an infinite query without its page fields', () => {
    expect(queryIdentity('feed', 'infinite', { limit: 2, cursor: 5, direction: 'forward' })).toBe(
      queryIdentity('feed', 'infinite', { limit: 2 }),
    );
    expect(queryIdentity('feed', 'query', { limit: 2, cursor: 5 })).not.toBe(
      queryIdentity('feed', 'query', { limit: 2 }),
    );
  });
});
