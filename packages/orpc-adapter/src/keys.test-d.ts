import { os } from '@orpc/server';
import { createCache } from '@routecache/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createCacheMiddleware, routeKeys } from './index.js';

const cacheMiddleware = createCacheMiddleware(createCache());
const router = {
  users: {
    get: os
      .input(z.object({ id: z.string(), page: z.number().default(1) }))
      .use(cacheMiddleware({ tags: ['users'] }))
      .handler(({ input }) => input),
  },
};

describe('routeKeys types', () => {
  it('takes the input a client sends, per procedure path, without codegen', () => {
    const { keys, invalidate } = routeKeys(router);
    expectTypeOf(keys.users.get)
      .parameter(0)
      .toEqualTypeOf<{ id: string; page?: number | undefined }>();
    expectTypeOf(keys.users.get({ id: '1' })).toEqualTypeOf<Promise<string>>();
    expectTypeOf(invalidate.users.get({ id: '1' })).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error: a renamed procedure is a compile error
    void keys.users.list;
    // @ts-expect-error: so is a wrong input
    void invalidate.users.get({ id: 1 });
  });
});
