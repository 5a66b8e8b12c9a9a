// Node stream.Transform adapter over update()/final(). A separate entry point
// ('aes-wasm/node-stream') so browser bundles never see node:stream.
import { Transform } from "node:stream";
import type { CipherStream } from "../modes/stream.js";
import type { NodeTransform } from "../host-types.js";
import { refuseUnverified } from "./unverified.js";

export function toNodeTransform(cipher: CipherStream): NodeTransform {
  refuseUnverified(cipher, "toNodeTransform()");
  let ended = false;
  return new Transform({
    transform(chunk: Uint8Array, _encoding, callback) {
      try {
        callback(null, cipher.update(chunk));
      } catch (e) {
        callback(e as Error);
      }
    },
    flush(callback) {
      ended = true;
      try {
        callback(null, cipher.final());
      } catch (e) {
        callback(e as Error);
      }
    },
    // Destroyed before the end (an error upstream, destroy()): end the cipher stream now, so
    // its state slot is wiped at once rather than when the stream is garbage-collected.
    destroy(error, callback) {
      if (!ended) {
        ended = true;
        try {
          cipher.final();
        } catch {
          // a padding or tag failure of an unfinished message: nothing is released anyway
        }
      }
      callback(error);
    },
  });
}
