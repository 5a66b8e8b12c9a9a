// WHATWG TransformStream adapter over update()/final(): works in browsers, Deno and Node.
import { asBytes } from "../bytes.js";
import { InputTypeError } from "../errors.js";
import { GcmDecipher } from "../gcm-facade.js";
import { GcmUnverifiedDecryptor } from "../modes/gcm.js";
import { OcbUnverifiedDecryptor } from "../modes/ocb.js";
import type { CipherStream } from "../modes/stream.js";
import { OcbDecipher } from "../ocb-facade.js";

/**
 * GCM and OCB decryptors release plaintext from update() that only final() authenticates: a
 * stream would hand it to the consumer before the tag is checked. Refused rather than buffered
 * to the end: buffering a stream of unknown length has no memory bound, and openStream()
 * verifies chunk by chunk in constant memory.
 */
function refuseUnverified(cipher: CipherStream): void {
  if (cipher instanceof GcmUnverifiedDecryptor || cipher instanceof GcmDecipher
    || cipher instanceof OcbUnverifiedDecryptor || cipher instanceof OcbDecipher) {
    throw new InputTypeError("toTransformStream() does not take a GCM/OCB decryptor: it would pass on plaintext "
      + "before the tag is checked. Use sealStream()/openStream() (each chunk verified first), or decrypt "
      + "the whole message with key.gcm(iv).decrypt()");
  }
}

export function toTransformStream(cipher: CipherStream): TransformStream<Uint8Array, Uint8Array> {
  refuseUnverified(cipher);
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
