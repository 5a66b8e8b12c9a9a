// WHATWG TransformStream adapter over update()/final(): works in browsers, Deno and Node.
import { asBytes } from "../bytes.js";
import type { CipherStream } from "../modes/stream.js";

export function toTransformStream(cipher: CipherStream): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out = cipher.update(asBytes(chunk, "chunk"));
      if (out.length) controller.enqueue(out);
    },
    flush(controller) {
      const out = cipher.final();
      if (out.length) controller.enqueue(out);
    },
  });
}
