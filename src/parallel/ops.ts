// What the pool can do with each cipher name and direction. Splittable: every 16-byte block's
// output depends only on the key, its position and the ciphertext block before it (CTR, ECB,
// CBC/CFB decryption). Not splittable: CBC/CFB encryption (each block needs the previous
// block's *output*) and OFB (each keystream block needs the previous one); those run whole on
// one worker, which frees the calling thread but is no faster.
// XTS and OCB3 split too: XTS by whole sectors (each its own data unit) or, for one data unit,
// by block ranges that start from T·α^j (xts-split.ts); OCB3 by block ranges that start from
// Offset_j, each worker returning its part of the checksum, the calling thread closing the tag
// (ocb-split.ts, ocb-finish.ts).
import { parseCipherName, type CipherName, type ParsedCipherName } from "../facade.js";
import { ocbKeyBits } from "../ocb-facade.js";
import { xtsKeyBits } from "../xts-facade.js";

/** The kernel a worker runs on its piece. */
export type Op = ModeOp | "xts-enc" | "xts-dec" | "ocb-enc" | "ocb-dec";

/** The ops that are one bulk kernel over a state slot. */
export type ModeOp =
  | "ecb-enc" | "ecb-dec" | "cbc-enc" | "cbc-dec" | "cfb-enc" | "cfb-dec"
  | "cfb8-enc" | "cfb8-dec" | "cfb1-enc" | "cfb1-dec" | "ofb" | "ctr";

/** Cipher names the pool takes: node:crypto's block modes, aes-{128,256}-xts and aes-{128,192,256}-ocb. */
export type PoolMode = ParsedCipherName["mode"] | "xts" | "ocb";

export type Direction = "encrypt" | "decrypt";

export interface JobKind {
  /** AES key size; for XTS the size of each of the two halves. */
  bits: 128 | 192 | 256;
  mode: PoolMode;
  op: Op;
  encrypt: boolean;
  /** Can be cut at 16-byte boundaries and run on several workers. */
  splittable: boolean;
  /** A piece starting at byte s > 0 needs the ciphertext block at s - 16 (CBC/CFB decryption). */
  chained: boolean;
  /** ECB/CBC: whole blocks, PKCS#7 unless turned off. */
  blockMode: boolean;
  /** Block encryptions per 16 bytes, relative to CTR (CFB8: one per byte, CFB1: one per bit). */
  cost: number;
}

export function jobKind(name: CipherName | string, encrypt: boolean): JobKind {
  const xts = xtsKeyBits(name);
  const ocb = xts === undefined ? ocbKeyBits(name) : undefined;
  if (xts !== undefined || ocb !== undefined) {
    const mode = xts !== undefined ? "xts" : "ocb";
    return {
      bits: (xts ?? ocb)!, mode, op: `${mode}-${encrypt ? "enc" : "dec"}`, encrypt,
      splittable: true, chained: false, blockMode: false, cost: 1,
    };
  }
  const parsed = parseCipherName(name);
  const { mode } = parsed;
  const op: ModeOp = mode === "ctr" || mode === "ofb" ? mode : `${mode}-${encrypt ? "enc" : "dec"}`;
  const splittable = mode === "ctr" || mode === "ecb" || (!encrypt && mode !== "ofb");
  return {
    ...parsed,
    op,
    encrypt,
    splittable,
    chained: !encrypt && (mode === "cbc" || mode.startsWith("cfb")),
    blockMode: mode === "ecb" || mode === "cbc",
    cost: mode === "cfb8" ? 16 : mode === "cfb1" ? 128 : 1,
  };
}

/**
 * Whether the pool spreads `name` in `direction` over several workers. False for CBC/CFB
 * encryption and OFB: those cannot be parallelised, and the pool runs them on one worker.
 * True for XTS and OCB3 in both directions.
 */
export function canSplit(name: CipherName | string, direction: Direction): boolean {
  return jobKind(name, direction === "encrypt").splittable;
}
