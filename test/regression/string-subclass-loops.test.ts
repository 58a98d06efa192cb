/**
 * Regression (issue 13, fill and HTTP rows): the per-character loops of the binary codec's
 * string writer, the HTTP header parsers (entity tags, `If-None-Match`, `Cache-Control`
 * delta-seconds, tokens) and the surrogate-key check called `text.charCodeAt(i)`. In a process
 * that holds a subclass of `String` — every app that loads ioredis 6 (`class VerbatimString
 * extends String`) — V8 stops inlining those calls: a loop over 12 short texts took 2,220 ns
 * instead of 389 ns (Node 20). The loops now read through `codeUnitAt` (code-unit.ts), which
 * calls the builtin taken at load time and is inlined either way.
 *
 * Checked structurally, not timed: String.prototype's per-character readers are counted while
 * each loop runs over long texts. A `text.charCodeAt(i)` loop makes one call per character.
 */
import { binaryCodec } from '@routecache/core';
import { etagMatches, normalizeVaryOption, parseCacheControl } from '@routecache/core/adapter';
import { tagSurrogateKey } from '@routecache/core/cdn';
import { describe, expect, it } from 'vitest';
import { readsDuring } from '../support/string-reads.js';

describe('hot per-character loops do not call String.prototype readers', () => {
  const ascii = 'order-line-description-'.repeat(8); // 184 ASCII characters

  it('the binary codec writes strings (ASCII, 2-, 3- and 4-byte UTF-8) without them', () => {
    const value = {
      id: 7,
      title: ascii,
      note: `caf\u00e9 \u20ac ${ascii} \u{1f600}`,
      tags: [ascii],
    };
    const { result: bytes, reads } = readsDuring(() => binaryCodec.encode(value));
    expect(binaryCodec.decode(bytes)).toEqual(value);
    expect(reads).toBe(0);
  });

  it('If-None-Match lists and entity tags are scanned without them', () => {
    const etag = `"${'a'.repeat(40)}"`;
    const list = ` W/"${'b'.repeat(40)}", "${'c'.repeat(40)}" ,${etag} `;
    const { result, reads } = readsDuring(() => [
      etagMatches(list, etag),
      etagMatches(' * ', etag),
    ]);
    expect(result).toEqual([true, true]);
    expect(reads).toBe(0);
  });

  it('Cache-Control delta-seconds, Vary tokens and surrogate keys are checked without them', () => {
    const { result, reads } = readsDuring(() => ({
      directives: parseCacheControl('max-age=1234567890, s-maxage=99'),
      option: normalizeVaryOption(['X-Tenant-Identifier-Header'], 'vary'),
      key: tagSurrogateKey(`@orders.${ascii.slice(0, 50)}`),
    }));
    expect(result.directives).toMatchObject({ maxAge: 1234567890, sMaxAge: 99 });
    expect(result.option).toEqual(['x-tenant-identifier-header']);
    expect(result.key).toBe(`@orders.${ascii.slice(0, 50)}`);
    expect(reads).toBe(0);
  });
});
