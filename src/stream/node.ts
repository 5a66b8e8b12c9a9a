// Node stream.Transform adapter over update()/final(). A separate entry point
// ('aes-wasm/node-stream') so browser bundles never see node:stream.
import { Transform } from "node:stream";
import type { CipherStream } from "../modes/stream.js";

export function toNodeTransform(cipher: CipherStream): Transform {
  return new Transform({
    transform(chunk: Uint8Array, _encoding, callback) {
      try {
        callback(null, cipher.update(chunk));
      } catch (e) {
        callback(e as Error);
      }
    },
    flush(callback) {
      try {
        callback(null, cipher.final());
      } catch (e) {
        callback(e as Error);
      }
    },
  });
}
