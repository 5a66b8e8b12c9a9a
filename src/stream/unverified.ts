// The rule both stream adapters keep: GCM and OCB decryptors release plaintext from update()
// that only final() authenticates, so a stream would hand it to the consumer before the tag is
// checked. Refused rather than buffered to the end: buffering a stream of unknown length has no
// memory bound, and openStream() / openNodeStream() verify chunk by chunk in constant memory.
import { InputTypeError } from "../errors.js";
import { GcmDecipher } from "../gcm-facade.js";
import { GcmUnverifiedDecryptor } from "../modes/gcm.js";
import { OcbUnverifiedDecryptor } from "../modes/ocb.js";
import type { CipherStream } from "../modes/stream.js";
import { OcbDecipher } from "../ocb-facade.js";

export function refuseUnverified(cipher: CipherStream, adapter: string): void {
  if (cipher instanceof GcmUnverifiedDecryptor || cipher instanceof GcmDecipher
    || cipher instanceof OcbUnverifiedDecryptor || cipher instanceof OcbDecipher) {
    throw new InputTypeError(`${adapter} does not take a GCM/OCB decryptor: it would pass on plaintext `
      + "before the tag is checked. Use sealStream()/openStream() (each chunk verified first), or decrypt "
      + "the whole message with key.gcm(iv).decrypt()");
  }
}
