import type { BusMessage } from '../bus.js';

/**
 * The wire form of a bus message: JSON `{ "o": origin, "m": message }`. Anything at all can be
 * published on a Redis channel — another application, a stray `PUBLISH`, another version of
 * routecache — so nothing read from it is trusted: {@link readEnvelope} checks every field and
 * rebuilds the message from the fields it knows.
 */

/** A bus message as it travels: the publishing instance, so it can skip its own, and the message. */
export interface Envelope {
  o: string;
  m: BusMessage;
}

/** What {@link readEnvelope} made of a payload: an envelope, or why it is none. */
export type ReadEnvelope =
  | { readonly ok: true; readonly envelope: Envelope }
  | { readonly ok: false; readonly problem: string };

const invalid = (problem: string): ReadEnvelope => ({ ok: false, problem });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * @internal Read one payload from the bus channel. Never throws: a payload that is not valid
 * UTF-8 JSON of a known envelope and message comes back as `{ ok: false, problem }`.
 *
 * @example
 * ```ts
 * readEnvelope(Buffer.from('{"o":"a","m":{"type":"clear"}}')); // { ok: true, envelope: … }
 * readEnvelope(Buffer.from('null')); // { ok: false, problem: 'not an object' }
 * ```
 */
export function readEnvelope(payload: Buffer): ReadEnvelope {
  let parsed: unknown;
  try {
    // Invalid UTF-8 becomes U+FFFD, and then at worst invalid JSON.
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return invalid('not JSON');
  }
  if (!isRecord(parsed)) return invalid('not an object');
  const { o, m } = parsed;
  if (typeof o !== 'string') return invalid('no origin ("o" is not a string)');
  if (!isRecord(m)) return invalid('no message ("m" is not an object)');
  const message = readMessage(m);
  return typeof message === 'string' ? invalid(message) : { ok: true, envelope: { o, m: message } };
}

/** The message with only the fields its type defines, or what is wrong with it. */
function readMessage(m: Record<string, unknown>): BusMessage | string {
  switch (m.type) {
    case 'invalidate':
      return isStringList(m.baseKeys)
        ? { type: 'invalidate', baseKeys: m.baseKeys }
        : '"baseKeys" of an invalidate message is not a list of strings';
    case 'invalidateTags':
      return isStringList(m.tags)
        ? { type: 'invalidateTags', tags: m.tags }
        : '"tags" of an invalidateTags message is not a list of strings';
    case 'delete':
      return isStringList(m.keys)
        ? { type: 'delete', keys: m.keys }
        : '"keys" of a delete message is not a list of strings';
    case 'clear':
      return { type: 'clear' };
    default:
      return 'unknown message type';
  }
}
