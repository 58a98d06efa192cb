// @routecache/core/testing: the store contract suite and its helpers, for store and adapter authors.
export { drain } from './drain.js';
export { type TestEntryOptions, testEntry, type UniqueNames, uniqueNames } from './entries.js';
export { type StoreContractOptions, storeContractSuite } from './store-contract.js';
