// AES-SIV (RFC 5297): deterministic authenticated encryption, and with a nonce a nonce-misuse-
// resistant AEAD (AEAD_AES_SIV_CMAC_256/384/512, §6). Safety: authenticated. Without a nonce,
// equal (AD, plaintext) pairs give equal ciphertexts, which is what key wrapping and
// deduplication want and nothing else does; with a nonce, repeating one reveals only that two
// messages were equal. decrypt() releases nothing unless the SIV matches.
//
// The key is two AES keys (32, 48 or 64 bytes: K1 || K2). V = S2V(K1, AD_1..AD_n, P) is the
// synthetic IV and the tag; C = CTR(K2, Q, P) with Q = V with bits 31 and 63 cleared (§2.6), all
// 128 counter bits advancing. S2V (§2.4) chains CMACs: D = CMAC(<zero>), D = dbl(D) ^ CMAC(AD_i)
// for each component, then V = CMAC(P xorend D), or CMAC(dbl(D) ^ pad(P)) for P under 16 bytes.
//
// All of it runs in WASM memory: CMAC through the CBC kernel (src/modes/cmac.ts), D in the
// S2V state slot's STATE_CTR_MASK field (which the CBC kernel never touches), CTR through the
// CTR kernel. Decryption must make the plaintext before it can check V: each chunk is
// CTR-decrypted in the IO window, copied to a buffer no caller has seen (the result array, or a
// scratch array when the caller gave `output`), and fed to S2V; only when V matches is the
// plaintext returned or copied to `output`. Messages of any size pass through the 64 KiB window
// in chunks.
import { asBytes, outputFor, unaliased, viewBytes } from "../bytes.js";
import { counterMask } from "../counter.js";
import { DataLengthError, DecryptionError, InputTypeError, IvLengthError, KeyLengthError, show } from "../errors.js";
import { AesKey } from "../key.js";
import { AesKeyBase } from "../key-base.js";
import type { Tracked } from "../lifetime.js";
import { CmacEngine, doubleBlock } from "./cmac.js";
import { opaque, readOptions } from "./guard.js";

/** Most associated-data components one message may have (RFC 5297 §2.6: S2V takes at most 127 strings, the plaintext last). */
export const SIV_MAX_AD_COMPONENTS = 126;
/** Bytes of the SIV in front of the ciphertext. */
export const SIV_BYTES = 16;

export interface SivOptions {
  /** Associated data: authenticated, not encrypted. Default empty (still one S2V component, as RFC 5297 §6 says). */
  aad?: Uint8Array;
}

function readComponents(associatedData: unknown): Uint8Array[] {
  if (associatedData === undefined) return [];
  if (!Array.isArray(associatedData)) {
    throw new InputTypeError(`associatedData must be an array of Uint8Array components, got ${show(associatedData)}`);
  }
  const n = associatedData.length; // read once
  if (n > SIV_MAX_AD_COMPONENTS) {
    throw new DataLengthError(`AES-SIV takes at most ${SIV_MAX_AD_COMPONENTS} associated-data components, got ${n}`);
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(asBytes(associatedData[i], `associatedData[${i}]`));
  return out;
}

/** XORs the 16 bytes at `src` into the 16 bytes at `dst`. */
function xorBlock(mem: Uint8Array, dst: number, src: number): void {
  for (let i = 0; i < 16; i++) mem[dst + i]! ^= mem[src + i]!;
}

/**
 * S2V(K1, components..., P) where P (`n` bytes) is put at `at` in the IO window chunk by chunk
 * by `fill(at, off, m)`; `result(mem, v)` reads V (at `v`) before the slot is wiped.
 */
function s2v<R>(mac: AesKey, owner: object, components: readonly Uint8Array[], n: number,
  fill: (at: number, off: number, m: number) => void, result: (mem: Uint8Array, v: number) => R): R {
  const core = mac.core;
  const lease = mac.acquireState(owner);
  const e = new CmacEngine(mac, lease.ptr);
  const acc = lease.ptr + core.layout.STATE_CTR_MASK; // D
  const { io, k } = core;
  const at = io + 16; // room for CMAC's held-back bytes in front
  const room = core.ioSize - 128;
  try {
    const mem = core.mem; // after acquireState, which may grow memory; nothing allocates below
    // D = CMAC(K, <zero>)
    e.reset();
    k.wipe(at, 16);
    e.absorbAt(at, 16);
    e.finish();
    mem.copyWithin(acc, e.chain, e.chain + 16);
    for (const s of components) {
      doubleBlock(mem, acc);
      e.reset();
      e.absorb(s);
      e.finish();
      xorBlock(mem, acc, e.chain);
    }
    e.reset();
    if (n < 16) {
      // T = dbl(D) ^ pad(P)
      doubleBlock(mem, acc);
      fill(at, 0, n);
      for (let i = 0; i < n; i++) mem[acc + i]! ^= mem[at + i]!;
      mem[acc + n]! ^= 0x80;
      mem.copyWithin(at, acc, acc + 16);
      e.absorbAt(at, 16);
    } else {
      // T = P xorend D: the last 16 bytes of P (at public offsets) get D XORed in as they pass.
      const end = n - 16;
      for (let off = 0; off < n; off += room) {
        const m = Math.min(room, n - off);
        fill(at, off, m);
        for (let g = Math.max(off, end); g < off + m; g++) mem[at + g - off]! ^= mem[acc + g - end]!;
        e.absorbAt(at, m);
      }
    }
    e.finish();
    return result(mem, e.chain);
  } finally {
    k.wipe(io, 32 + Math.min(room, n));
    mac.releaseState(lease); // wipes D, the chain and the held-back bytes
  }
}

/** The CTR half: Q = V with bits 31 and 63 cleared (RFC 5297 §2.6), 128-bit big-endian counter. */
class SivCtr {
  private readonly lease: Tracked;

  constructor(private readonly key: AesKey, owner: object, v: Uint8Array) {
    this.lease = key.acquireState(owner);
    const core = key.core;
    const { STATE_REG, STATE_CTR_MASK, STATE_POS } = core.layout;
    const s = this.lease.ptr;
    const mem = core.mem;
    mem.set(v, s + STATE_REG);
    mem[s + STATE_REG + 8]! &= 0x7f;
    mem[s + STATE_REG + 12]! &= 0x7f;
    mem.set(counterMask(128), s + STATE_CTR_MASK);
    core.k.wipe(s + STATE_POS, 4);
  }

  /** En/decrypts the `m` bytes at `at` in place. */
  run(at: number, m: number): void {
    this.key.core.k.ctr(this.key.slot, this.lease.ptr, at, m);
  }

  end(): void {
    this.key.releaseState(this.lease);
  }
}

/** V || CTR(P), through the window: S2V reads P once, CTR a second time (V must come first). */
function sivEncrypt(mac: AesKey, ctr: AesKey, owner: object, components: readonly Uint8Array[],
  p: Uint8Array, output: Uint8Array | undefined): Uint8Array {
  const out = outputFor(output, p.length + SIV_BYTES); // checked before anything runs
  const src = output === undefined ? p : unaliased(p, out, SIV_BYTES);
  mac.slot; ctr.slot; // DisposedError
  const core = mac.core;
  const v = s2v(mac, owner, components, src.length,
    (at, off, m) => core.mem.set(src.subarray(off, off + m), at),
    (mem, at) => mem.slice(at, at + 16));
  const c = new SivCtr(ctr, owner, v);
  const { io, k } = core;
  const room = core.ioSize;
  try {
    for (let off = 0; off < src.length; off += room) {
      const m = Math.min(room, src.length - off);
      const mem = core.mem;
      mem.set(src.subarray(off, off + m), io);
      c.run(io, m);
      out.set(mem.subarray(io, io + m), SIV_BYTES + off);
    }
  } finally {
    if (src.length > 0) k.wipe(io, Math.min(room, src.length));
    c.end();
  }
  out.set(v, 0); // last: every input byte has been read
  return out;
}

/** Checks and decrypts V || C: the plaintext goes to the caller only once V has matched. */
function sivDecrypt(mac: AesKey, ctr: AesKey, owner: object, components: readonly Uint8Array[],
  src: Uint8Array, output: Uint8Array | undefined): Uint8Array {
  if (src.length < SIV_BYTES) throw new DecryptionError();
  const n = src.length - SIV_BYTES;
  const out = outputFor(output, n); // checked first; written only after V matched
  mac.slot; ctr.slot; // DisposedError
  const v = src.slice(0, SIV_BYTES);
  const body = src.subarray(SIV_BYTES);
  // A fresh result array is nobody's until returned; a caller's output is written only on success.
  const plain = output === undefined ? out : new Uint8Array(n);
  const core = mac.core;
  const c = new SivCtr(ctr, owner, v);
  let ok: boolean;
  try {
    ok = s2v(mac, owner, components, n,
      (at, off, m) => {
        core.mem.set(body.subarray(off, off + m), at);
        c.run(at, m);
        plain.set(core.mem.subarray(at, at + m), off);
      },
      (mem, at) => {
        let diff = 0;
        for (let i = 0; i < 16; i++) diff |= mem[at + i]! ^ v[i]!;
        return diff === 0;
      });
  } catch (e) {
    plain.fill(0);
    throw e;
  } finally {
    c.end();
  }
  if (!ok) {
    plain.fill(0);
    throw new DecryptionError();
  }
  if (plain !== out) {
    out.set(plain);
    plain.fill(0);
  }
  return out;
}

/**
 * An AES-SIV key: K1 (S2V) and K2 (CTR), each expanded once into its own key slot. Deterministic
 * encrypt()/decrypt() with a vector of associated-data components, and siv(nonce) for the
 * nonce-based AEAD. dispose() wipes both key slots.
 */
export class SivKey {
  /** The whole key's size in bits: 256, 384 or 512 (two AES-128, -192 or -256 keys). */
  readonly bits: 256 | 384 | 512;
  readonly #mac: AesKey;
  readonly #ctr: AesKey;

  constructor(keyBytes: Uint8Array) {
    const key = viewBytes(keyBytes, "key"); // a view: no copy of the key in the JS heap
    if (key.length !== 32 && key.length !== 48 && key.length !== 64) {
      throw new KeyLengthError(`AES-SIV key must be 32, 48 or 64 bytes (two AES keys), got ${key.length}`);
    }
    this.bits = (key.length * 8) as 256 | 384 | 512;
    const half = key.length / 2;
    this.#mac = new AesKey(key.subarray(0, half));
    this.#ctr = new AesKey(key.subarray(half));
  }

  get disposed(): boolean {
    return this.#mac.disposed;
  }

  /**
   * Encrypts deterministically: returns V || C (16 + plaintext.length bytes). `associatedData`
   * is a list of up to 126 components, each authenticated separately (order matters; [] and
   * [empty] differ). `output`, if given, receives the bytes (overlap with the input is fine).
   */
  encrypt(plaintext: Uint8Array, associatedData?: readonly Uint8Array[], output?: Uint8Array): Uint8Array {
    const p = asBytes(plaintext);
    return sivEncrypt(this.#mac, this.#ctr, this, readComponents(associatedData), p, output);
  }

  /**
   * Decrypts V || C under the same associated-data components. V is checked (in constant time)
   * before any plaintext is released; a mismatch is DecryptionError, and `output` is untouched.
   */
  decrypt(sivAndCiphertext: Uint8Array, associatedData?: readonly Uint8Array[], output?: Uint8Array): Uint8Array {
    const src = asBytes(sivAndCiphertext);
    return sivDecrypt(this.#mac, this.#ctr, this, readComponents(associatedData), src, output);
  }

  /**
   * The nonce-based AEAD (RFC 5297 §6, AEAD_AES_SIV_CMAC_*): S2V over (aad, nonce, plaintext).
   * The nonce must be at least 1 byte; 12 or 16 are usual.
   */
  siv(nonce: Uint8Array, options?: SivOptions): SivMode {
    return new SivMode(this.#mac, this.#ctr, nonce, options);
  }

  /** Zeroes both expanded keys in WASM memory and frees them. Idempotent. */
  dispose(): void {
    this.#mac.dispose();
    this.#ctr.dispose();
  }
}

/**
 * AES-SIV with a nonce and one associated-data string, shaped like GcmMode: encrypt() returns
 * V || C, decrypt() takes it back. Unlike GCM, encrypting twice under one nonce is allowed: it
 * reveals only whether the two (aad, plaintext) pairs were equal (RFC 5297 §1.3.2).
 */
export class SivMode {
  readonly nonce: Uint8Array;
  readonly #mac: AesKey;
  readonly #ctr: AesKey;
  readonly #components: readonly Uint8Array[];

  /** @internal Made by SivKey.siv(). */
  constructor(mac: AesKey, ctr: AesKey, nonce: Uint8Array, options?: SivOptions) {
    AesKeyBase.check(mac);
    AesKeyBase.check(ctr);
    const o = readOptions(options, ["aad"], "SIV options");
    const n = asBytes(nonce, "nonce");
    if (n.length === 0) throw new IvLengthError("AES-SIV nonce must be at least 1 byte (RFC 5297 §6: N_MIN = 1)");
    this.nonce = new Uint8Array(n);
    // Private copies: neither the caller's arrays nor `this.nonce` can change what is authenticated.
    const aad = o.aad === undefined ? new Uint8Array(0) : new Uint8Array(asBytes(o.aad, "aad"));
    this.#components = [aad, new Uint8Array(n)];
    this.#mac = mac;
    this.#ctr = ctr;
    mac.slot; // DisposedError early
  }

  get bits(): 256 | 384 | 512 {
    return (this.#mac.bits * 2) as 256 | 384 | 512;
  }

  /** Encrypts: returns V || C (16 + plaintext.length bytes). */
  encrypt(plaintext: Uint8Array, output?: Uint8Array): Uint8Array {
    return sivEncrypt(this.#mac, this.#ctr, this, this.#components, asBytes(plaintext), output);
  }

  /** Decrypts V || C; DecryptionError (and nothing released, `output` untouched) if V does not match. */
  decrypt(sivAndCiphertext: Uint8Array, output?: Uint8Array): Uint8Array {
    return sivDecrypt(this.#mac, this.#ctr, this, this.#components, asBytes(sivAndCiphertext), output);
  }
}

opaque(SivKey, "SivKey", (k) => ({ bits: k.bits }));
opaque(SivMode, "SivMode", (m) => ({ bits: m.bits }));

if (typeof Symbol.dispose === "symbol") {
  (SivKey.prototype as unknown as Record<symbol, () => void>)[Symbol.dispose] = SivKey.prototype.dispose;
}

/** An AES-SIV key from 32, 48 or 64 bytes (K1 for S2V, then K2 for CTR). */
export function sivKey(keyBytes: Uint8Array): SivKey {
  return new SivKey(keyBytes);
}
