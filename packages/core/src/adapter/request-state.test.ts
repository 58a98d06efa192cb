import { describe, expect, it } from 'vitest';
import { requestHeaderReader } from './request-state.js';

/** A `Headers` that counts its reads, by name. */
class CountingHeaders extends Headers {
  readonly reads = new Map<string, number>();

  override get(name: string): string | null {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
    return super.get(name);
  }
}

describe('requestHeaderReader', () => {
  it('reads each name of a Headers object once, present or absent', () => {
    const headers = new CountingHeaders({ 'accept-language': 'fr' });
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
