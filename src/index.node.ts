// The package root for Node (the "node" export condition): everything in index.ts plus the
// pieces that need Node built-ins, which browser bundles must never see.
export * from "./index.js";
export { FileNonceStore, type FileNonceStoreOptions } from "./nonce/file-store.js";
export { toNodeTransform } from "./stream/node.js";
export { sealNodeStream, openNodeStream } from "./stream/seal-node.js";
