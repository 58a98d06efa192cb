import { describe, expect, it } from 'vitest';
import { RoutecacheError } from '../errors.js';
import { assertUserTag, pathTags } from './path-tags.js';

describe('pathTags', () => {
  it('gives one tag per prefix of the path, longest first', () => {
    expect(pathTags('users.get')).toEqual(['@users.get', '@users']);
    expect(pathTags('a.b.c')).toEqual(['@a.b.c', '@a.b', '@a']);
    expect(pathTags('health')).toEqual(['@health']);
  });
});

describe('assertUserTag', () => {
  it('accepts a tag outside the @ namespace', () => {
    expect(() => assertUserTag('users', 'users.get')).not.toThrow();
    expect(() => assertUserTag('user@1', 'users.get')).not.toThrow();
  });

  it('refuses a tag starting with @, naming it and where it came from', () => {
    let thrown: unknown;
    try {
      assertUserTag('@users', '"users.get"');
    } catch (error) {
      thrown = error;
    }
    expect(RoutecacheError.is(thrown, 'ROUTECACHE_CONFIGURATION')).toBe(true);
    expect((thrown as Error).message).toMatch(/Tag "@users" of "users.get" starts with "@"/);
  });
});
