// Which expanded keys are in WASM memory. A program that never disposes its keys (a request
// handler that makes a key per call, as node:crypto users do) must keep its speed and a
// bounded footprint even in a synchronous loop, where finalizers never get to run. So at most
// RESIDENT_LIMIT key blocks (a key slot and its own state slot) are in WASM memory per core;
// making or using one more evicts the least recently used block that no stream is using: its
// bytes move into a JS array owned by its key (the slot is wiped and returned to the core),
// and come back, into whatever block is free, the next time the key is used. A forgotten key is
// then an ordinary JS object whose array the garbage collector reclaims, and nothing about it
// waits for a finalizer. dispose() still wipes at once, in WASM memory and in the array.
//
// Eviction is the clock algorithm (second chance): using a key sets its `used` bit; the hand
// clears bits as it passes and evicts the first unpinned block whose bit is clear — O(1)
// amortised, and a hot key is never evicted by a stream of cold ones. A block with a live
// lease (a stream's state slot inside it, or slots lent through it) is pinned: its address must
// not change while a stream holds it. If every resident block is pinned, the limit grows.
//
// What an evicted key keeps is only its raw bytes (KEY_RAW: 16–32 bytes, a small array the JS
// heap holds inline, where a whole 1 KiB block would be off-heap memory that the collector
// reclaims late); they are expanded again when the key comes back. An unpinned block has no
// live stream state, so nothing else in it is needed.
//
// A key's block address is therefore stable only while it is pinned or within one call: modes
// read `key.slot` when they need it and never keep it across calls. Within a call that uses two
// keys (XTS, SIV, GCM-SIV's derived key), loading the second must not evict the first, whose
// address the caller holds: a block touched since the last PROTECTED_LOADS loads is never
// evicted — the clock's second pass would otherwise reach it once every bit is clear. (No call
// holds more than three keys; PROTECTED_LOADS = 3 leaves room.)
import { track, untrack, RECLAIM, type Reclaimer, type Tracked } from "./lifetime.js";
import type { Core } from "./wasm/core.js";

/** Key blocks allowed in WASM memory at once per core, before the least recently used is evicted. */
export const RESIDENT_LIMIT = 256;
/** A block touched within this many load()s is in use by a running call and is not evicted. */
const PROTECTED_LOADS = 3;

/** Where one key's block is: at `ptr` in WASM memory, or in `saved` (evicted), or nowhere (disposed). */
export class KeyBlock implements Reclaimer {
  ptr = -1;
  /** Position in the resident list (valid while resident). */
  index = -1;
  used = false;
  /** The residency's epoch when the key was last used: equal to the current one means "since the last load". */
  touched = -1;
  pins = 0;
  saved: Uint8Array | undefined;
  /** Raw key length, and whether the decryption round keys were made (so a reload makes them too). */
  keyLength = 0;
  decryption = false;
  /** The finalizer's handle while resident: wipes the block if the key is collected. */
  tracked: Tracked | undefined;

  constructor(readonly residency: KeyResidency) {}

  /** The key was collected while resident: wipe and free its block. */
  [RECLAIM](): void {
    this.residency.drop(this, false);
  }
}

export class KeyResidency {
  /** Counts load() calls; a block touched in the current epoch is in use by the running call. */
  epoch = 0;
  #resident: KeyBlock[] = [];
  #hand = 0;
  #limit = RESIDENT_LIMIT;

  constructor(readonly core: Core) {}

  /** Puts `block` (new, or evicted) in WASM memory, evicting another if the limit is reached. `owner` is its key. */
  load(block: KeyBlock, owner: object): number {
    const core = this.core;
    if (this.#resident.length >= this.#limit && !this.#evictOne()) this.#limit *= 2;
    const ptr = core.allocKeyBlock();
    if (block.saved) {
      const roundKeys = ptr + core.layout.KEY_ENC;
      core.mem.set(block.saved, roundKeys);
      block.saved.fill(0);
      block.saved = undefined;
      core.k.expandEncryptionKey(ptr, roundKeys, block.keyLength);
      if (block.decryption) core.k.expandDecryptionKey(ptr);
    }
    block.ptr = ptr;
    block.used = true;
    block.touched = ++this.epoch; // blocks touched before this load are evictable again
    block.tracked = track(owner, core, ptr, core.keyBlockSize, block);
    block.index = this.#resident.length;
    this.#resident.push(block);
    return ptr;
  }

  /** Takes `block` out of WASM memory: wiped and freed; its bytes kept in `saved` unless `keep` is false. */
  drop(block: KeyBlock, keep: boolean): void {
    if (block.ptr < 0) return;
    const core = this.core;
    if (keep) {
      const raw = block.ptr + core.layout.KEY_RAW;
      block.saved = core.mem.slice(raw, raw + block.keyLength);
    }
    if (block.tracked) untrack(block.tracked);
    block.tracked = undefined;
    core.release(block.ptr, core.keyBlockSize);
    block.ptr = -1;
    // Swap-remove; the hand stays valid (it may skip one block once, which is harmless).
    const list = this.#resident;
    const last = list.pop()!;
    if (last !== block) {
      list[block.index] = last;
      last.index = block.index;
    }
    block.index = -1;
    if (this.#hand >= list.length) this.#hand = 0;
  }

  /** Evicts one unpinned block by the clock; false if every resident block is pinned. */
  #evictOne(): boolean {
    const list = this.#resident;
    for (let steps = 0; steps < 2 * list.length; steps++) {
      if (this.#hand >= list.length) this.#hand = 0;
      const b = list[this.#hand]!;
      if (b.pins > 0 || b.touched > this.epoch - PROTECTED_LOADS) {
        this.#hand++;
      } else if (b.used) {
        b.used = false;
        this.#hand++;
      } else {
        this.drop(b, true);
        return true;
      }
    }
    return false;
  }
}

const residencies = new WeakMap<Core, KeyResidency>();

/** The residency of a core's keys (one per core). */
export function residencyOf(core: Core): KeyResidency {
  let r = residencies.get(core);
  if (!r) residencies.set(core, (r = new KeyResidency(core)));
  return r;
}
