// The browser-safe surface of @routecache/trpc: client links and the wire format they read.
// Nothing here imports node: built-ins or @trpc/server beyond `@trpc/server/observable` (which
// @trpc/client's own links import); from @routecache/core only an error class and `warnOnce`,
// which a bundler keeps alone (examples/react's bundle has no engine, store or codec code).

export {
  type CallTags,
  decodeCallTags,
  decodeInvalidation,
  INVALIDATE_HEADER,
  type Invalidation,
  MAX_WIRE_HEADER_BYTES,
  TAGS_HEADER,
} from '@routecache/core/adapter';
export {
  type InvalidatingQueryClient,
  type InvalidationLinkOptions,
  invalidationLink,
} from './invalidation-link.js';
export {
  type FetchInitLike,
  type FetchLike,
  type RevalidatingFetchOptions,
  revalidatingFetch,
} from './revalidate-link.js';
