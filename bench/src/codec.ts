/**
 * Codec candidates side by side (issue: "pick the fast default by measurement"). Three payloads,
 * encode and decode timed separately, every candidate producing and reading bytes, and every
 * candidate checked to round-trip each payload exactly before it is timed:
 *
 * - `rcb1` (the shipped default, `binaryCodec`, the baseline): routecache's own binary codec
 * - `msgpackr + guard`, `cbor-x + guard`: msgpackr / cbor-x with records and structured clone,
 *   after the rejecting pass of codec-guard.ts that makes them refuse what they would silently
 *   change (class instances, -0, holes…), i.e. the checks rcb1 does (see codec-contenders.ts)
 * - `devalue1` (shipped as `devalueCodec`): devalue stringify/parse with routecache's strict
 *   checks + UTF-8
 * - `devalue raw`: the same without the strict-check overrides (shows what they cost)
 * - `v8 + walk`: node:v8 serialize/deserialize after the same rejecting pass;
 *   `v8 raw (unsafe)`: without it
 * - `superjson`: serialize + JSON.stringify + UTF-8 (it neither refuses class instances nor
 *   handles typed arrays without custom rules)
 *
 * Run alone: `pnpm bench codec`.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { binaryCodec, type Codec, devalueCodec } from '@routecache/core';
import {
  cborContender,
  msgpackrContender,
  v8Contender,
  v8RawContender,
} from './codec-contenders.js';
import { compare, type Row } from './harness.js';

// devalue and superjson are dependencies of @routecache/core, not of the bench: load them from
// core's own node_modules so the bench measures exactly the versions core resolves.
const fromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const load = async <T>(name: string): Promise<T> =>
  (await import(pathToFileURL(fromCore.resolve(name)).href)) as T;

interface DevalueModule {
  stringify(value: unknown): string;
  parse(text: string): unknown;
}
interface SuperjsonModule {
  default: { serialize(value: unknown): unknown; deserialize(payload: unknown): unknown };
}

async function candidates(): Promise<Codec[]> {
  const devalue = await load<DevalueModule>('devalue');
  const { default: superjson } = await load<SuperjsonModule>('superjson');
  const utf8 = new TextEncoder();
  const text = new TextDecoder();
  return [
    binaryCodec,
    msgpackrContender,
    cborContender,
    devalueCodec,
    {
      id: 'devalue raw',
      encode: (value) => utf8.encode(devalue.stringify(value)),
      decode: (bytes) => devalue.parse(text.decode(bytes)),
    },
    v8Contender,
    v8RawContender,
    {
      id: 'superjson',
      encode: (value) => utf8.encode(JSON.stringify(superjson.serialize(value))),
      decode: (bytes) => superjson.deserialize(JSON.parse(text.decode(bytes))),
    },
  ];
}

const row = (index: number) => ({
  id: index,
  name: `User number ${index}`,
  createdAt: new Date(1_700_000_000_000 + index * 1000),
});

/** name, value, calls per sample (sized so one sample takes roughly a millisecond or two). */
const PAYLOADS: readonly (readonly [string, unknown, number])[] = [
  ['small {id, name, createdAt}', row(42), 1_000],
  ['medium: 100 rows', Array.from({ length: 100 }, (_, index) => row(index)), 20],
  [
    'rich: Map/Set/BigInt',
    {
      totals: new Map([
        ['eu', 1_234_567_890_123n],
        ['us', 2n ** 70n],
      ]),
      roles: new Set(['admin', 'editor', 'viewer']),
      byId: new Map([[1, { tags: new Set([1, 2, 3]), at: new Date(0) }]]),
      balance: -98_765_432_109_876_543_210n,
    },
    500,
  ],
];

/** Run the codec section; ratios are relative to the default codec (`rcb1`). */
export async function runCodecBench(): Promise<Row[]> {
  const [baseline, ...others] = await candidates();
  if (baseline === undefined) throw new Error('no codec candidates');
  const rows: Row[] = [];
  for (const [payload, value, batch] of PAYLOADS) {
    const base = baseline.encode(value).length;
    const sizes = [baseline, ...others].map((codec) => {
      // A contender that changes the value on the way would be timed doing less work.
      deepStrictEqual(codec.decode(codec.encode(value)), value, `${codec.id}: ${payload}`);
      const bytes = codec.encode(value).length;
      return `${codec.id} ${bytes} B (${(bytes / base).toFixed(2)}×)`;
    });
    console.log(`\n# codec payload "${payload}": ${sizes.join(', ')}`);
    const encoder = (codec: Codec) => ({ name: codec.id, fn: () => codec.encode(value) });
    rows.push(
      ...(await compare({
        title: `codec encode, ${payload}`,
        baseline: encoder(baseline),
        contenders: others.map(encoder),
        batch,
        rounds: 31,
      })),
    );
    const decoder = (codec: Codec) => {
      const bytes = codec.encode(value);
      return { name: codec.id, fn: () => codec.decode(bytes) };
    };
    rows.push(
      ...(await compare({
        title: `codec decode, ${payload}`,
        baseline: decoder(baseline),
        contenders: others.map(decoder),
        batch,
        rounds: 31,
      })),
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runCodecBench();
