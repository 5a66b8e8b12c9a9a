// cmac: the AES-CMAC (RFC 4493, NIST SP 800-38B) of a file or stdin, in hex; with --verify
// <hex>, whether the message has that MAC (compared in constant time by the library's
// Cmac.verify: an OR of XORs over all bytes): exit 0 and "OK", or exit 1 and nothing on stdout.
// The message streams through in chunks; the key is AES-128, -192 or -256 by its length.
import { decodeHex } from "../bytes.js";
import { aesKey } from "../key.js";
import { CMAC_MAX_TAG_LENGTH, CMAC_MIN_TAG_LENGTH } from "../modes/cmac.js";
import { integerOption, stringOption, type Parsed } from "./args.js";
import { InputFormatError, UsageError } from "./errors.js";
import { openSource } from "./input.js";
import { readKeyOfSizes } from "./keys.js";

/** A message whose MAC is not the one --verify gave (exit 1). */
export class MacMismatchError extends InputFormatError {
  constructor() {
    super("MAC mismatch: the message does not have this MAC (wrong key, or the message or MAC changed)");
    this.name = "MacMismatchError";
  }
}

export async function cmacCommand(values: Parsed["values"], print: (line: string) => void): Promise<void> {
  const verifyHex = stringOption(values, "verify");
  let expected: Uint8Array | null = null;
  if (verifyHex !== undefined) {
    expected = decodeHex(verifyHex);
    if (expected === null) throw new UsageError("--verify must be hex digits (an even number of 0-9a-f)");
  }
  const given = integerOption(values, "tag-length", CMAC_MIN_TAG_LENGTH, CMAC_MAX_TAG_LENGTH);
  const tagLength = expected?.length ?? given ?? CMAC_MAX_TAG_LENGTH;
  if (expected && given !== undefined && given !== expected.length) {
    throw new UsageError(`--tag-length ${given} but --verify has ${expected.length} bytes`);
  }
  if (tagLength < CMAC_MIN_TAG_LENGTH || tagLength > CMAC_MAX_TAG_LENGTH) {
    throw new UsageError(`--verify must be ${CMAC_MIN_TAG_LENGTH} to ${CMAC_MAX_TAG_LENGTH} bytes (a CMAC, truncated at most to 8), got ${tagLength}`);
  }
  const keyBytes = readKeyOfSizes(values, [16, 24, 32]);
  const source = await openSource(stringOption(values, "in"));
  const key = aesKey(keyBytes);
  keyBytes.fill(0);
  try {
    const mac = key.cmac({ tagLength });
    for await (const chunk of source.chunks) mac.update(chunk as Uint8Array);
    if (expected) {
      if (!mac.verify(expected)) throw new MacMismatchError();
      print("OK");
    } else {
      print(Buffer.from(mac.digest()).toString("hex"));
    }
  } finally {
    key.dispose();
    await source.close();
  }
}
