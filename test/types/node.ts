// Type fixture for Node consumers (with @types/node): the Node-only exports.
import { FileNonceStore, NonceSource, aesKey, createCipheriv } from "aes-wasm";
import { toNodeTransform } from "aes-wasm/node-stream";

const source = new NonceSource({ store: new FileNonceStore("nonce.json") });
void source;
const t = toNodeTransform(aesKey(new Uint8Array(16)).ctr(new Uint8Array(16)).encryptor());
t.pipe(t);
// On Node the root's createCipheriv is node:crypto's shape: Buffer results, encodings.
const c = createCipheriv("aes-128-cbc", new Uint8Array(16), new Uint8Array(16));
const hex: string = c.update("text", "utf8", "hex") + c.final("hex");
void hex;
