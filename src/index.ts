/**
 * aes-wasm: AES in WebAssembly (AssemblyScript) with a pure-TypeScript fallback.
 *
 * ```ts
 * import { ready, aesKey } from "aes-wasm";
 * await ready();                       // optional: compiles WASM off the main thread
 * const key = aesKey(keyBytes);        // 16, 24 or 32 bytes; expanded once
 * const ct = key.ctr(counterBlock).encrypt(data);
 * key.dispose();                       // zeroes the round keys in WASM memory
 * ```
 *
 * The root is the library on the calling thread. The worker pool (`aes-wasm/parallel`) and the
 * WebCrypto-shaped facade (`aes-wasm/subtle`) are entry points of their own, like the Node
 * stream adapters (`aes-wasm/node-stream`) and the pure-JS fallback (`aes-wasm/fallback`): an
 * app that imports the root whole (`import * as aes`) does not carry them.
 */
export { ready, readySync, backend, useBackend } from "./wasm/backend.js";
export type { BackendKind } from "./wasm/abi.js";
export { AesKey, aesKey } from "./key.js";
export { AesKeyBase, aesKeyBase } from "./key-base.js";
export { ctr } from "./mode-functions/ctr.js";
export { gcm } from "./mode-functions/gcm.js";
export { ecb, cbc, cfb, ofb, ocb, ccm, gcmSiv, kw, kwp, cmac } from "./mode-functions/full.js";
export type { Mode } from "./modes/base.js";
export { EcbMode } from "./modes/ecb.js";
export { CbcMode } from "./modes/cbc.js";
export { CfbMode, type CfbOptions } from "./modes/cfb.js";
export { OfbMode } from "./modes/ofb.js";
export { CtrMode, CtrStream, type CtrOptions } from "./modes/ctr.js";
export type { CipherStream, PaddingOptions } from "./modes/stream.js";
export type { Padding } from "./padding.js";
export { createCipheriv, createDecipheriv, getCiphers, Cipher, CIPHER_NAMES, type CipherName } from "./facade.js";
export { bytesToHex, hexToBytes } from "./bytes.js";
export { encryptBlockHex, decryptBlockHex } from "./hex.js";
export { toTransformStream } from "./stream/web.js";
export * from "./errors.js";
export { NonceSource, DEFAULT_NONCE_RESERVE, DEFAULT_MAX_BLOCKS_PER_MESSAGE, MAX_BLOCKS_PER_MESSAGE_LIMIT, type NonceSourceOptions } from "./nonce/source.js";
export { MemoryNonceStore, NONCE_MAX, type NonceStore } from "./nonce/stores.js";
export { IndexedDbNonceStore, type IndexedDbNonceStoreOptions } from "./nonce/indexeddb-store.js";
export { sealCtr, openCtr, COUNTER_BLOCK_BYTES, type OpenCtrOptions } from "./nonce/envelope.js";
export { seal, open, type SealOptions, type OpenOptions } from "./envelope/seal.js";
export { ENVELOPE_HEADER_BYTES, ENVELOPE_OVERHEAD, type EnvelopeAlgorithm } from "./envelope/format.js";
export { RANDOM_NONCE_LIMIT } from "./envelope/nonces.js";
export { sealStream, openStream, type SealStreamOptions } from "./stream/seal-web.js";
export { STREAM_DEFAULT_CHUNK_SIZE, STREAM_MIN_CHUNK_SIZE, STREAM_MAX_CHUNK_SIZE } from "./envelope/stream-format.js";
export * from "./nonce/errors.js";
export { GcmMode, GcmEncryptor, GcmUnverifiedDecryptor, GCM_MAX_DATA_BYTES, GCM_TAG_LENGTHS, GCM_SHORT_TAG_LENGTHS, type GcmOptions } from "./modes/gcm.js";
export { CcmMode, CCM_TAG_LENGTHS, CCM_MIN_NONCE_LENGTH, CCM_MAX_NONCE_LENGTH, ccmMaxDataBytes, type CcmOptions } from "./modes/ccm.js";
export { KwMode, KwpMode } from "./modes/kw.js";
export { WrapCipher, WRAP_CIPHER_NAMES, type WrapCipherName } from "./wrap-facade.js";
export { Cmac, CMAC_MIN_TAG_LENGTH, CMAC_MAX_TAG_LENGTH, type CmacOptions } from "./modes/cmac.js";
export { SivKey, SivMode, sivKey, SIV_MAX_AD_COMPONENTS, SIV_BYTES, type SivOptions } from "./modes/siv.js";
export { GcmSivMode, GCM_SIV_MAX_BYTES, type GcmSivOptions } from "./modes/gcm-siv.js";
export { GcmCipher, GcmDecipher, GCM_CIPHER_NAMES, type GcmCipherName, type GcmCipherOptions } from "./gcm-facade.js";
export { OcbMode, OcbEncryptor, OcbUnverifiedDecryptor, OCB_MAX_DATA_BYTES, OCB_TAG_LENGTHS, OCB_SHORT_TAG_LENGTHS, type OcbOptions } from "./modes/ocb.js";
export { OcbCipher, OcbDecipher, OCB_CIPHER_NAMES, type OcbCipherName, type OcbCipherOptions } from "./ocb-facade.js";
export { CcmCipher, CcmDecipher, CCM_CIPHER_NAMES, type CcmCipherName, type CcmCipherOptions, type CcmAadOptions } from "./ccm-facade.js";
export { TagLengthError } from "./aead-errors.js";
export { XtsKey, XtsMode, xtsKey, XTS_MAX_DATA_UNIT_BYTES } from "./modes/xts.js";
export { XtsCipher, XTS_CIPHER_NAMES, type XtsCipherName } from "./xts-facade.js";
