/**
 * Current entry envelope format version. An entry with another version is read as a miss.
 *
 * @example
 * ```ts
 * if (entry.format !== ENTRY_FORMAT) return undefined; // another format reads as a miss
 * ```
 */
export const ENTRY_FORMAT = 1;

/**
 * A codec turns a value into bytes and back, preserving its types, for stores whose values leave
 * the process (Redis). The in-memory store keeps live values and never decodes.
 *
 * @example
 * ```ts
 * const jsonCodec: Codec = {
 *   id: 'json',
 *   encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
 *   decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
 * };
 * ```
 */
export interface Codec {
  /** Stable identifier written into every entry envelope; an entry with an unknown id is a miss. */
  readonly id: string;
  /** Encode a value. Throws `CodecError` (`ROUTECACHE_CODEC_UNSUPPORTED_VALUE`) when it cannot. */
  encode(value: unknown): Uint8Array;
  /** Decode bytes made by `encode` of the same codec id. */
  decode(bytes: Uint8Array): unknown;
  /**
   * Optional: the same bytes as `encode`, in a buffer the codec reuses (no copy), read only
   * until the codec encodes again and never kept. A cache over a store that keeps live values
   * uses it for the entry's size and ETag, which are all it needs of the bytes.
   *
   * @example
   * ```ts
   * const size = (codec.encodeTransient ?? codec.encode).call(codec, value).length;
   * ```
   */
  encodeTransient?(value: unknown): Uint8Array;
}
