// WHATWG TransformStream adapter over update()/final(): works in browsers, Deno and Node.
import { asBytes } from "../bytes.js";
import type { CipherStream } from "../modes/stream.js";
import type { BytesTransformStream } from "../host-types.js";
import { refuseUnverified } from "./unverified.js";

export function toTransformStream(cipher: CipherStream): BytesTransformStream {
  refuseUnverified(cipher, "toTransformStream()");
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    try {
      cipher.final();
    } catch {
      // an unfinished message: nothing is released anyway
    }
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      try {
        const out = cipher.update(asBytes(chunk, "chunk"));
        if (out.length) controller.enqueue(out);
      } catch (e) {
        end(); // the stream errors: wipe the cipher's state now
        throw e;
      }
    },
    flush(controller) {
      ended = true;
      const out = cipher.final();
      if (out.length) controller.enqueue(out);
    },
    // Cancelled or aborted (engines that call a transformer's cancel): end the cipher stream.
    cancel() {
      end();
    },
  } as Transformer<Uint8Array, Uint8Array>);
}
