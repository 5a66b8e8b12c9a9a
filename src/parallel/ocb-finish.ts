// The calling thread's part of an OCB3 job (see ocb-split.ts): once every worker has answered,
// the checksum parts (XORed together by the job) go into an OCB slot of this thread's core set
// to block m (the number of whole blocks), then the last partial block, HASH(K, A) of the AAD
// and the tag run there. For decryption the tag is compared in constant time and nothing is
// returned unless it matches; the pool writes no output before that. The key, the OCB slot and
// the IO window are wiped before this returns, whatever happens.
import { equalConstantTime } from "../equal.js";
import { aesKey } from "../key.js";
import type { Core } from "../wasm/core.js";
import { allocOcbSlot, OCB_CHECKSUM, startOcb } from "./ocb-split.js";

export interface OcbJob {
  nonceBlock: Uint8Array;
  tagLength: number;
  /** The associated data (the pool's copy). */
  aad: Uint8Array;
  /** The last partial block's input, 0..15 bytes (the pool's copy). */
  tail: Uint8Array;
  /** Decryption: the tag the message came with. */
  expected: Uint8Array | undefined;
}

/**
 * Closes an OCB message whose `blocks` whole blocks the workers did; `checksum` is the XOR of
 * their parts. Encryption: returns the last partial block's ciphertext followed by the tag.
 * Decryption: the last partial block's plaintext, or null if the tag does not match.
 */
export function finishOcb(keyBytes: Uint8Array, job: OcbJob, blocks: number, checksum: Uint8Array, decrypt: boolean): Uint8Array | null {
  const key = aesKey(keyBytes);
  const core = key.core;
  let lease;
  try {
    lease = key.adoptSlot(job, allocOcbSlot(core), core.layout.OCB_SLOT_SIZE);
    const ocb = lease.ptr;
    const slot = key.slot;
    const { io, ioSize, k } = core;
    startOcb(core, slot, ocb, job.nonceBlock, blocks);
    core.mem.set(checksum, ocb + OCB_CHECKSUM); // startOcb zeroed it: this is the XOR of the workers' parts
    const r = job.tail.length;
    const out = new Uint8Array(r + (decrypt ? 0 : job.tagLength));
    if (r > 0) {
      core.mem.set(job.tail, io);
      if (decrypt) k.ocbDecryptLast(slot, ocb, io, r);
      else k.ocbEncryptLast(slot, ocb, io, r);
      out.set(core.mem.subarray(io, io + r));
      k.wipe(io, r);
    }
    hashAad(core, slot, ocb, job.aad, ioSize);
    k.ocbTag(slot, ocb, io);
    const tag = core.mem.slice(io, io + job.tagLength);
    k.wipe(io, 16);
    if (decrypt) {
      if (!job.expected) throw new Error("internal: an OCB decryption without its tag");
      const ok = equalConstantTime(tag, job.expected);
      tag.fill(0);
      if (!ok) {
        out.fill(0);
        return null;
      }
      return out;
    }
    out.set(tag, r);
    tag.fill(0);
    return out;
  } finally {
    if (lease) key.releaseState(lease); // wipes the slot
    key.dispose();
  }
}

/** HASH(K, A) into the slot's AAD sum: whole blocks a window at a time, then the partial block. */
function hashAad(core: Core, slot: number, ocb: number, aad: Uint8Array, ioSize: number): void {
  const { io, k } = core;
  const whole = aad.length - (aad.length % 16);
  let used = 0;
  try {
    for (let off = 0; off < whole; off += ioSize) {
      const n = Math.min(ioSize, whole - off);
      core.mem.set(aad.subarray(off, off + n), io);
      k.ocbAad(slot, ocb, io, n);
      used = Math.max(used, n);
    }
    const r = aad.length - whole;
    if (r > 0) {
      core.mem.set(aad.subarray(whole), io);
      k.ocbAadLast(slot, ocb, io, r);
      used = Math.max(used, r);
    }
  } finally {
    if (used > 0) k.wipe(io, used);
  }
}
