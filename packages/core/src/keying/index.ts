// Key derivation: canonical input encoding, base keys, variants, storage keys, namespaces.
export { encodeCanonical, MAX_INPUT_LENGTH } from './canonical.js';
export {
  deriveBaseKey,
  deriveCustomBaseKey,
  MAX_KEY_BYTES,
  storageKey,
} from './keys.js';
export { resolveNamespace, validateNamespace } from './namespace.js';
export { StorageKeys } from './storage-keys.js';
export { deriveVariant } from './variant.js';
