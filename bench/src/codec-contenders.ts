/**
 * Third-party serializers as codec contenders, each behind the guard walk of codec-guard.ts so
 * it refuses what it would silently change, as the shipped codecs do. The losses listed per
 * library are what round-tripping the cases of `packages/core/src/codec/codec.test.ts` showed
 * (node:v8 20, msgpackr 2, cbor-x 1): v8 loses only class identity, so its walk refuses class
 * instances and nothing more.
 *
 * - msgpackr and cbor-x run with `structuredClone` (shared references, cycles, Map, Set, RegExp,
 *   typed arrays) and records (object keys written once per shape); without shared `structures`
 *   every message carries its own record definitions, so bytes written by one process decode in
 *   another — decoding uses a separate instance to prove it.
 */
import { deserialize, serialize } from 'node:v8';
import type { Codec } from '@routecache/core';
import { Decoder, Encoder } from 'cbor-x';
import { Packr, Unpackr } from 'msgpackr';
import { guardedCodec } from './codec-guard.js';

/** node:v8 serialize/deserialize after the guard walk. */
export const v8Contender: Codec = guardedCodec('v8 + walk', serialize, deserialize, {
  nullPrototype: true,
});

/** node:v8 alone: unsafe (class instances silently become plain objects), for reference. */
export const v8RawContender: Codec = {
  id: 'v8 raw (unsafe)',
  encode: (value) => serialize(value),
  decode: (bytes) => deserialize(bytes),
};

// Both lose these; cbor-x also writes an ArrayBuffer or DataView as plain bytes (a Buffer) and a
// Date as float seconds.
const COMMON_LOSSES = {
  negativeZero: true,
  loneSurrogates: true,
  holes: true,
  nullPrototype: true,
  protoKey: true,
} as const;

const MSGPACKR_OPTIONS = { structuredClone: true, useRecords: true, useBigIntExtension: true };
const packr = new Packr(MSGPACKR_OPTIONS);
const unpackr = new Unpackr(MSGPACKR_OPTIONS);

/** msgpackr (records + structured clone) after the guard walk. */
export const msgpackrContender: Codec = guardedCodec(
  'msgpackr + guard',
  (value) => packr.pack(value),
  (bytes) => unpackr.unpack(bytes),
  { ...COMMON_LOSSES, builtins: ['Number', 'String', 'Boolean'] },
);

const CBOR_OPTIONS = { structuredClone: true, useRecords: true };
const cborEncoder = new Encoder(CBOR_OPTIONS);
const cborDecoder = new Decoder(CBOR_OPTIONS);

/** cbor-x (records + structured clone) after the guard walk. */
export const cborContender: Codec = guardedCodec(
  'cbor-x + guard',
  (value) => cborEncoder.encode(value),
  (bytes) => cborDecoder.decode(bytes),
  {
    ...COMMON_LOSSES,
    dateSeconds: true,
    builtins: ['Number', 'String', 'Boolean', 'ArrayBuffer', 'DataView'],
  },
);
