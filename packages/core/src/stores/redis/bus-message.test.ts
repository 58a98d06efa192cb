import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEnvelope } from './bus-message.js';

const read = (value: unknown) => readEnvelope(Buffer.from(JSON.stringify(value)));

describe('readEnvelope', () => {
  it.each([
    { type: 'invalidate', baseKeys: ['a', 'b'] },
    { type: 'invalidateTags', tags: [] },
    { type: 'delete', keys: ['k#v'] },
    { type: 'clear' },
  ])('reads a %o message', (m) => {
    expect(read({ o: 'peer', m })).toEqual({ ok: true, envelope: { o: 'peer', m } });
  });

  it('keeps only the fields a message type defines', () => {
    expect(read({ o: 'p', m: { type: 'clear', baseKeys: 1 }, extra: true })).toEqual({
      ok: true,
      envelope: { o: 'p', m: { type: 'clear' } },
    });
  });

  it.each<[string, string | Buffer, RegExp]>([
    ['null', 'null', /not an object/],
    ['a number', '1', /not an object/],
    ['an array', '[{"o":"p"}]', /not an object/],
    ['no JSON', '{"o":', /not JSON/],
    ['bytes', Buffer.from([0xff, 0xfe, 0x00]), /not JSON/],
    ['no origin', '{"m":{"type":"clear"}}', /origin/],
    ['m: null', '{"o":"p","m":null}', /no message/],
    ['no baseKeys', '{"o":"p","m":{"type":"invalidate"}}', /baseKeys/],
    ['tags: null', '{"o":"p","m":{"type":"invalidateTags","tags":null}}', /tags/],
    ['a key that is no string', '{"o":"p","m":{"type":"delete","keys":["a",2]}}', /keys/],
    ['an unknown type', '{"o":"p","m":{"type":"evict"}}', /unknown message type/],
  ])('refuses %s, saying why', (_name, payload, problem) => {
    const result = readEnvelope(Buffer.isBuffer(payload) ? payload : Buffer.from(payload));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(problem);
  });

  it('never throws, and what it accepts is a well-formed message', () => {
    const payload = fc.oneof(
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))),
      fc.uint8Array().map((bytes) => Buffer.from(bytes)),
      fc
        .record(
          {
            o: fc.jsonValue(),
            m: fc.dictionary(fc.constantFrom('type', 'baseKeys', 'tags', 'keys'), fc.jsonValue()),
          },
          { requiredKeys: [] },
        )
        .map((value) => Buffer.from(JSON.stringify(value))),
    );
    fc.assert(
      fc.property(payload, (bytes) => {
        const result = readEnvelope(bytes);
        if (!result.ok) return;
        const { o, m } = result.envelope;
        expect(typeof o).toBe('string');
        const lists = Object.entries(m).filter(([field]) => field !== 'type');
        expect(lists.length).toBe(m.type === 'clear' ? 0 : 1);
        for (const [, list] of lists) {
          expect((list as unknown[]).every((item) => typeof item === 'string')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
