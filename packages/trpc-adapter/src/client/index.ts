// The browser-safe surface of @routecache/trpc: client links and the wire format they read.
// Nothing here imports @trpc/server or node: built-ins.

export {
  type CallTags,
  decodeCallTags,
  decodeInvalidation,
  INVALIDATE_HEADER,
  type Invalidation,
  MAX_WIRE_HEADER_BYTES,
  TAGS_HEADER,
} from '../wire/headers.js';
export {
  type FetchInitLike,
  type FetchLike,
  type RevalidatingFetchOptions,
  revalidatingFetch,
} from './revalidate-link.js';
