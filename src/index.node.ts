// The package root for Node (the "node" export condition): everything in index.ts plus the
// pieces that need Node built-ins, which browser bundles must never see.
export * from "./index.js";
// On Node the pure-JS fallback costs nothing to carry: useBackend("js") works as it always has.
import "./fallback.js";
export { FileNonceStore, type FileNonceStoreOptions } from "./nonce/file-store.js";
export { toNodeTransform } from "./stream/node.js";
// node:crypto's own shape on Node (Buffer results, encodings, stream.Transform, Node's errors);
// these names take the place of index.ts's byte-level createCipheriv/createDecipheriv.
export { createCipheriv, createDecipheriv, Cipheriv, Decipheriv, type BinaryLike, type CipherKey, type CipherEncoding, type NodeCipherOptions } from "./node-facade.js";
export { sealNodeStream, openNodeStream } from "./stream/seal-node.js";
