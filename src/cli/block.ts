// block: one AES block, hex in and hex out, for checking a vector by hand.
import { decryptBlockHex, encryptBlockHex } from "../hex.js";
import { stringOption, type Parsed } from "./args.js";
import { UsageError } from "./errors.js";
import { hexOption } from "./keys.js";

export function blockCommand(values: Parsed["values"]): string {
  const key = stringOption(values, "key");
  if (key === undefined) throw new UsageError("block needs --key <32, 48 or 64 hex digits>");
  hexOption("key", key);
  const enc = stringOption(values, "encrypt");
  const dec = stringOption(values, "decrypt");
  if ((enc === undefined) === (dec === undefined)) throw new UsageError("block needs exactly one of --encrypt <32 hex digits> or --decrypt <32 hex digits>");
  const which = enc !== undefined ? "encrypt" : "decrypt";
  const block = enc ?? dec!;
  hexOption(which, block, 16);
  return (enc !== undefined ? encryptBlockHex : decryptBlockHex)(key, block);
}
