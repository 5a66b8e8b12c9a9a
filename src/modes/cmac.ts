// CMAC (NIST SP 800-38B; RFC 4493 for AES-128): a message authentication code from AES alone.
// Safety: a MAC, not encryption. Tags are 16 bytes; truncation to `tagLength` bytes (8..16)
// lowers forgery resistance to about 2^-(8·tagLength) per attempt (SP 800-38B Appendix A), so
// 8 bytes is the shortest accepted. Check tags with verify(), which compares in constant time.
//
// CMAC is CBC-MAC (zero IV) whose last block is first XORed with a subkey: K1 if it is a full
// block, else K2 after 10* padding (§6.2). So the CBC encryption kernel does all the work, in
// place in the IO window, the chaining value staying in the state slot's STATE_REG. Since
// only digest() knows which block is the last one, the last 1..16 bytes seen are held back
// (in the state slot's STATE_KS field, which the CBC kernel never touches) until then.
//
// The subkeys are made at digest() from L = E_K(0^128) in the IO window, doubled in place by a
// mask (no branch on the top bit), XORed into the held-back block and wiped at once: they never
// exist outside WASM memory, nor longer than the digest() call that needs them.
import type { CheckedLiteral } from "../checked-literal.js";
import { asBytes } from "../bytes.js";
import { show, StateError } from "../errors.js";
import { TagLengthError } from "../aead-errors.js";
import type { Tracked } from "../lifetime.js";
import type { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import { opaque, readOptions } from "./guard.js";

/** Tag lengths cmac() accepts, in bytes: 8 (SP 800-38B's floor for most uses) to 16 (the default). */
export const CMAC_MIN_TAG_LENGTH = 8;
export const CMAC_MAX_TAG_LENGTH = 16;

/** A CMAC tag length in bytes, 8..16. */
export type CmacTagLength = 16 | 15 | 14 | 13 | 12 | 11 | 10 | 9 | 8;

export interface CmacOptions<T extends number = number> {
  /** Tag length in bytes, 8..16 (default 16): digest() returns the first `tagLength` bytes. */
  tagLength?: CheckedLiteral<T, number, CmacTagLength>;
}

function checkCmacTagLength(tagLength: unknown): number {
  if (Number.isInteger(tagLength) && (tagLength as number) >= CMAC_MIN_TAG_LENGTH && (tagLength as number) <= CMAC_MAX_TAG_LENGTH) {
    return tagLength as number;
  }
  throw new TagLengthError(`CMAC tag length must be an integer from 8 to 16 bytes, got ${show(tagLength)}`);
}

/** GF(2^128) doubling of the 16 bytes at `p` in place (SP 800-38B §6.1): shift left, XOR R_128 masked by the old top bit. */
export function doubleBlock(mem: Uint8Array, p: number): void {
  const top = mem[p]! >> 7;
  for (let i = 0; i < 15; i++) mem[p + i] = (mem[p + i]! << 1) | (mem[p + i + 1]! >> 7);
  mem[p + 15] = (mem[p + 15]! << 1) ^ (0x87 & -top);
}

/**
 * @internal One CMAC computation over a state slot (for Cmac and S2V): the CBC-MAC chain at
 * STATE_REG, the held-back last bytes at STATE_KS. finish() leaves the full tag at STATE_REG.
 * The caller owns the slot (and wipes it by releasing it).
 */
export class CmacEngine {
  /** Bytes held back at `held` (1..16 once any byte came; 0 before). */
  pend = 0;
  /** The chaining value; the full tag after finish(). */
  readonly chain: number;
  /** The held-back bytes (the CBC kernel never touches this field of the state slot). */
  readonly held: number;

  constructor(private readonly key: AesKey, private readonly state: number) {
    const { STATE_REG, STATE_KS } = key.core.layout;
    this.chain = state + STATE_REG;
    this.held = state + STATE_KS;
  }

  /** Starts a new message under the same slot: zero chain, nothing held. */
  reset(): void {
    const k = this.key.core.k;
    k.wipe(this.chain, 16);
    k.wipe(this.held, 16);
    this.pend = 0;
  }

  /**
   * Absorbs the `n` bytes at `at` in WASM memory, which must have 16 bytes of room before it
   * (overwritten, like the bytes themselves: the CBC kernel runs in place). Everything but the
   * last 1..16 bytes seen so far goes through the chain.
   */
  absorbAt(at: number, n: number): void {
    if (n === 0) return;
    const core = this.key.core;
    const mem = core.mem;
    const start = at - this.pend;
    mem.copyWithin(start, this.held, this.held + this.pend);
    const total = this.pend + n;
    const hold = ((total - 1) & 15) + 1;
    const whole = total - hold;
    if (whole > 0) core.k.cbcEncrypt(this.key.slot, this.state, start, whole);
    mem.copyWithin(this.held, start + whole, start + total);
    this.pend = hold;
  }

  /** Absorbs bytes from the JS heap through the IO window, which is wiped before this returns. */
  absorb(src: Uint8Array): void {
    if (src.length === 0) return;
    const core = this.key.core;
    const { io, k } = core;
    const room = core.ioSize - 128; // a 16-byte lead for the held-back bytes, whole blocks after
    const at = io + 16;
    try {
      for (let off = 0; off < src.length; off += room) {
        const n = Math.min(room, src.length - off);
        core.mem.set(src.subarray(off, off + n), at);
        this.absorbAt(at, n);
      }
    } finally {
      k.wipe(io, 16 + Math.min(room, src.length));
    }
  }

  /**
   * Ends the message (§6.2 steps 4–6): pads or not, XORs K1 or K2 into the held-back block and
   * runs it through the chain; the full 16-byte tag is then at `chain`. Uses and wipes io..io+16.
   */
  finish(): void {
    const core = this.key.core;
    const { io, k } = core;
    const mem = core.mem;
    const slot = this.key.slot;
    const held = this.held;
    // L = E_K(0^128); K1 = dbl(L); K2 = dbl(K1). Which one is used depends on the message
    // length only (public).
    k.wipe(io, 16);
    k.encryptOne(slot, io, io);
    doubleBlock(mem, io);
    if (this.pend < 16) {
      doubleBlock(mem, io);
      mem[held + this.pend] = 0x80; // 10* padding; the rest of the held block is zero
      mem.fill(0, held + this.pend + 1, held + 16);
    }
    for (let i = 0; i < 16; i++) mem[held + i]! ^= mem[io + i]!;
    k.wipe(io, 16);
    k.cbcEncrypt(slot, this.state, held, 16);
    k.wipe(held, 16);
    this.pend = 0;
  }
}

/**
 * A streaming AES-CMAC: update(data)* then digest() (the tag) or verify(tag) (a boolean).
 * Any split of the message over update() calls gives the same tag. digest() and verify() end
 * the MAC: the state slot is wiped and given back, and any further call is a StateError.
 */
export class Cmac {
  /** Bytes digest() returns and verify() compares (8..16). */
  readonly tagLength: number;
  readonly #key: AesKey;
  readonly #lease: Tracked;
  readonly #engine: CmacEngine;
  #done = false;

  /** @internal Made by AesKey.cmac(). */
  constructor(key: AesKey, options?: CmacOptions) {
    AesKeyBase.check(key);
    // No options object: no reader (the one-shot `key.cmac().update(m).digest()` path).
    this.tagLength = options === undefined ? 16
      : checkCmacTagLength(readOptions(options, ["tagLength"], "CMAC options").tagLength ?? 16);
    this.#key = key;
    // The key's own state slot when free (no allocation): wiped and given back at digest(),
    // by key.dispose(), or when this object is collected unfinished.
    this.#lease = key.acquireState(this);
    this.#engine = new CmacEngine(key, this.#lease.ptr);
  }

  get bits(): 128 | 192 | 256 {
    return this.#key.bits;
  }

  #assertOpen(): void {
    if (this.#done) throw new StateError("CMAC already finished: digest() or verify() was called");
    this.#key.slot; // DisposedError if the key is gone
  }

  /** Adds message bytes. Returns this, so calls chain. */
  update(data: Uint8Array): this {
    const src = asBytes(data);
    this.#assertOpen();
    this.#engine.absorb(src);
    return this;
  }

  /** The tag (`tagLength` bytes). Ends the MAC. */
  digest(): Uint8Array {
    this.#assertOpen();
    this.#done = true;
    try {
      this.#engine.finish();
      const chain = this.#engine.chain;
      return this.#key.core.mem.slice(chain, chain + this.tagLength);
    } finally {
      this.#key.releaseState(this.#lease);
    }
  }

  /**
   * Whether `tag` is this message's tag: exactly `tagLength` bytes, compared in constant time
   * (an OR of XORs over all of them; a tag of another length is simply false). Ends the MAC.
   */
  verify(tag: Uint8Array): boolean {
    const t = asBytes(tag, "tag");
    this.#assertOpen();
    this.#done = true;
    try {
      this.#engine.finish();
      const mem = this.#key.core.mem;
      const chain = this.#engine.chain;
      const n = this.tagLength;
      let diff = t.length ^ n;
      for (let i = 0; i < n; i++) diff |= mem[chain + i]! ^ (t[i] ?? 0);
      return diff === 0;
    } finally {
      this.#key.releaseState(this.#lease);
    }
  }
}

opaque(Cmac, "Cmac", (m) => ({ bits: m.bits, tagLength: m.tagLength }));
