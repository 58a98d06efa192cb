import { setETag } from '@routecache/core/adapter';
import { describe, it } from 'vitest';

describe('setETag', () => {
  it('takes entity-tags only: quoted, optionally weak', () => {
    const ctx = {};
    setETag(ctx, '"v1"');
    setETag(ctx, 'W/"v1"');
    setETag(ctx, `W/"${String(1)}"`);
    // @ts-expect-error not quoted
    setETag(ctx, 'v1');
    // @ts-expect-error the weak prefix is `W/`
    setETag(ctx, 'w/"v1"');
  });
});
