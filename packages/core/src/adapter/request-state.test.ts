import { describe, expect, it } from 'vitest';
import { requestHeaderReader } from './request-state.js';

/** A `Headers` whose reads are counted, by name. */
function countingHeaders(init: Record<string, string>) {
  const headers = new Headers(init);
  const reads = new Map<string, number>();
  return {
    reads,
    get(name: string): string | null {
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return headers.get(name);
    },
  };
}

describe('requestHeaderReader', () => {
  it('reads each name of a Headers object once, present or absent', () => {
    const headers = countingHeaders({ 'accept-language': 'fr' });
    const reader = requestHeaderReader(headers);
    for (let i = 0; i < 3; i++) {
      expect(reader?.get('accept-language')).toBe('fr');
      expect(reader?.get('x-tenant')).toBeNull();
    }
    expect(Object.fromEntries(headers.reads)).toEqual({ 'accept-language': 1, 'x-tenant': 1 });
  });

  it('keeps names apart: two headers read in turn answer their own values', () => {
    const reader = requestHeaderReader(new Headers({ a: '1', b: '2' }));
    expect([reader?.get('a'), reader?.get('b'), reader?.get('a'), reader?.get('b')]).toEqual([
      '1',
      '2',
      '1',
      '2',
    ]);
  });

  it('reads a Node headers record as is, lower-casing the name and joining a list', () => {
    const record: Record<string, string | string[]> = { 'accept-language': 'fr' };
    const reader = requestHeaderReader(record);
    expect(reader?.get('Accept-Language')).toBe('fr');
    record['x-forwarded-for'] = ['a', 'b'];
    expect(reader?.get('x-forwarded-for')).toBe('a, b');
  });

  it('has nothing to read without a headers object', () => {
    expect(requestHeaderReader(undefined)).toBeUndefined();
    expect(requestHeaderReader('accept: *')).toBeUndefined();
  });
});
