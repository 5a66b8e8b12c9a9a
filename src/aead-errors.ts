// Errors specific to authenticated modes (GCM). A bad tag itself is the library-wide
// DecryptionError, so that it cannot be told apart from other decryption failures.
import { AesError } from "./errors.js";

/**
 * GCM tag length not allowed: 12..16 bytes, or 8 and 4 only with `allowShortTags` (SP 800-38D
 * §5.2.1.2 and Appendix C restrict them); or a tag given to setAuthTag that does not match.
 */
export class TagLengthError extends AesError {
  constructor(message: string) {
    super("ERR_AES_TAG_LENGTH", message);
    this.name = "TagLengthError"; // a literal: minifiers rename classes
  }
}
