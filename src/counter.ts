// 128-bit counter block arithmetic for CTR. The counter block is a big-endian integer; with
// `counterBits` = n only its low n bits advance (WebCrypto's AES-CTR `length`), wrapping
// within them, so at most 2^n blocks can be made before a counter block repeats.
import { show, StateError } from "./errors.js";

const masks: Uint8Array[] = [];

/** The 16-byte big-endian mask of the low `counterBits` bits (shared: do not modify). */
export function counterMask(counterBits: number): Uint8Array {
  let mask = masks[counterBits];
  if (!mask) {
    mask = masks[counterBits] = new Uint8Array(16);
    for (let i = 0; i < counterBits; i++) mask[15 - (i >> 3)] |= 1 << (i & 7);
  }
  return mask;
}

export function checkCounterBits(counterBits: unknown): number {
  if (!Number.isInteger(counterBits) || (counterBits as number) < 1 || (counterBits as number) > 128) {
    throw new StateError(`counterBits must be an integer from 1 to 128, got ${show(counterBits)}`);
  }
  return counterBits as number;
}

/** How many blocks a counter of `counterBits` bits can make before repeating. */
export function counterSpace(counterBits: number): bigint {
  return 1n << BigInt(counterBits);
}

export function blockToBigInt(block: Uint8Array): bigint {
  let x = 0n;
  for (let i = 0; i < 16; i++) x = (x << 8n) | BigInt(block[i]);
  return x;
}

export function bigIntToBlock(x: bigint, out = new Uint8Array(16)): Uint8Array {
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** The counter block `blocks` steps after `start`, advancing only the low `counterBits` bits. */
export function addToCounter(start: Uint8Array, blocks: bigint, counterBits: number): Uint8Array {
  const x = blockToBigInt(start);
  const space = counterSpace(counterBits);
  const low = x & (space - 1n);
  return bigIntToBlock((x - low) | ((low + blocks) % space));
}

/**
 * Validates a block index for random access (a non-negative safe integer or any non-negative
 * bigint) and returns it as a bigint. Whether it is past the end is the caller's check.
 */
export function toBlockIndex(i: unknown): bigint {
  if (typeof i === "bigint") {
    if (i < 0n) throw new StateError(`block index must be non-negative, got ${i}`);
    return i;
  }
  if (typeof i === "number" && Number.isSafeInteger(i) && i >= 0) return BigInt(i);
  throw new StateError(`block index must be a non-negative safe integer or bigint, got ${show(i)}`);
}
