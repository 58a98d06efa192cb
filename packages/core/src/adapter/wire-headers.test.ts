import { describe, expect, it } from 'vitest';
import {
  decodeCallTags,
  decodeInvalidation,
  encodeCallTags,
  encodeInvalidation,
  MAX_WIRE_HEADER_BYTES,
} from './wire-headers.js';

describe('Routecache-Invalidate', () => {
  it('round-trips calls, paths and tags', () => {
    const value = encodeInvalidation({
      calls: [
        ['users.get', { userId: 1 }],
        ['users.list', undefined],
      ],
      paths: ['posts'],
      tags: ['users', 'users'],
    });
    expect(decodeInvalidation(value)).toEqual({
      calls: [
        ['users.get', { userId: 1 }],
        ['users.list', null],
      ],
      paths: ['posts'],
      tags: ['users'],
    });
  });

  it('sends a call whose input JSON cannot carry as its whole path', () => {
    const value = encodeInvalidation({
      calls: [
        ['events.on', { at: new Date(0) }],
        ['a.b', { x: undefined }],
        ['a.c', [Number.NaN]],
      ],
      paths: [],
      tags: [],
    });
    expect(decodeInvalidation(value)).toEqual({
      calls: [],
      paths: ['events.on', 'a.b', 'a.c'],
      tags: [],
    });
  });

  it('is visible ASCII whatever the tags hold', () => {
    const value = encodeInvalidation({ calls: [], paths: [], tags: ['é\u2028名', 'a\nb'] });
    expect(value).toMatch(/^[\x20-\x7e]+$/);
    expect(decodeInvalidation(value)).toEqual({
      calls: [],
      paths: [],
      tags: ['é\u2028名', 'a\nb'],
    });
  });

  it('says * past the byte cap, never a part', () => {
    const tags = Array.from({ length: 1000 }, (_, index) => `tag-${index}`);
    expect(encodeInvalidation({ calls: [], paths: [], tags })).toBe('1;*');
    expect(encodeInvalidation({ calls: [], paths: [], tags: ['a'] }, 10)).toBe('1;*');
    expect(decodeInvalidation('1;*')).toBe('all');
    expect(MAX_WIRE_HEADER_BYTES).toBe(4096);
  });

  it('reads garbage and unknown versions as "all", absence as undefined', () => {
    expect(decodeInvalidation(null)).toBeUndefined();
    expect(decodeInvalidation(undefined)).toBeUndefined();
    for (const value of [
      '',
      '2;{}',
      '1;{',
      '1;[]',
      '1;{"calls":[[1]],"paths":[],"tags":[]}',
      '1;{"calls":[],"paths":[1],"tags":[]}',
    ]) {
      expect(decodeInvalidation(value)).toBe('all');
    }
  });
});

describe('Routecache-Tags', () => {
  it('round-trips entries in batch order', () => {
    const entries = [
      ['users.get', ['users', 'user:1']],
      ['users.list', ['users']],
    ] as const;
    expect(decodeCallTags(encodeCallTags(entries))).toEqual(entries);
  });

  it('reads overflow and garbage as "unknown", absence as undefined', () => {
    expect(decodeCallTags(null)).toBeUndefined();
    const many = Array.from({ length: 500 }, (_, index) => [`p${index}`, ['tag']] as const);
    expect(encodeCallTags(many)).toBe('1;*');
    for (const value of ['1;*', 'x', '1;{}', '1;[["a"]]', '1;[["a",[1]]]']) {
      expect(decodeCallTags(value)).toBe('unknown');
    }
  });
});
