// The pure-TypeScript reference core: the same kernels, memory map and slot layout as the
// WebAssembly core (assembly/), written plainly with byte loops on top of ./aes.ts. It is the
// oracle the WASM core is tested against and the fallback when WebAssembly is unavailable.
//
// Like the WASM core it owns a linear "memory" that the host addresses with byte offsets.
// Every kernel reads `memory.buffer` afresh (grow() replaces it) and keeps nothing between
// calls: all state lives in key and state slots inside the memory, so the host may wipe a
// slot with zeros and reuse it.
//
// Key slot (KEY_SLOT_SIZE bytes): the encryption round keys as bytes at KEY_ENC (the order of
// FIPS 197 §5.2, w[0] first), Nr as a little-endian u32 at KEY_ROUNDS. KEY_DEC is not used:
// decryption runs the plain inverse cipher with the encryption round keys.
//
// State slot (STATE_SLOT_SIZE bytes): see CoreLayout / assembly/layout.ts.
//   STATE_REG       16 bytes, the mode's register (IV, chaining block, shift register,
//                   OFB output block, or CTR counter block), as on the wire
//   STATE_KS        16 bytes, CTR keystream block being consumed; scratch for CFB8/CFB1
//                   (wiped to zeros when they return, as the WASM core does)
//   STATE_CTR_MASK  16 bytes, big-endian mask of the counter bits that advance in CTR
//   STATE_POS       u32 little-endian, bytes of the current block already used (CFB128,
//                   OFB, CTR); always 0..15
import type { CoreInstance, CoreKernels, CoreLayout } from "../wasm/abi.js";
import { decryptBlockRef, encryptBlockRef, expandKeyBytes, roundsForKeyLength } from "./aes.js";
import { ghashBlocks } from "./ghash.js";

// GCM slot (REF_GCM_SLOT_SIZE bytes): GCM_ACC and GCM_BLOCK as in abi.ts, then H itself as
// the "table" (the bitwise multiply needs nothing more).
const REF_GCM_SLOT_SIZE = 64;
const REF_GCM_H = 32;

const PAGE_SIZE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit
const INITIAL_PAGES = 4;
const HEAP_BASE = 0x20000;

/** The memory map, identical to assembly/layout.ts. */
const LAYOUT: CoreLayout = Object.freeze({
  IO: 0x10000,
  IO_SIZE: 0x10000,
  KEY_SLOT_SIZE: 512,
  STATE_SLOT_SIZE: 64,
  KEY_ENC: 0,
  KEY_DEC: 256,
  KEY_ROUNDS: 496,
  STATE_REG: 0,
  STATE_KS: 16,
  STATE_CTR_MASK: 32,
  STATE_POS: 48,
});
const { KEY_ENC, KEY_ROUNDS, STATE_REG, STATE_KS, STATE_CTR_MASK, STATE_POS } = LAYOUT;

/** A growable byte memory with the shape of WebAssembly.Memory's buffer/grow. */
class ReferenceMemory {
  #buffer: ArrayBuffer = new ArrayBuffer(INITIAL_PAGES * PAGE_SIZE);

  get buffer(): ArrayBuffer {
    return this.#buffer;
  }

  /** Adds `pages` 64 KiB pages, keeping the contents; returns the previous size in pages. */
  grow(pages: number): number {
    const oldPages = this.#buffer.byteLength / PAGE_SIZE;
    if (!Number.isInteger(pages) || pages < 0 || oldPages + pages > MAX_PAGES) {
      throw new RangeError(`ReferenceMemory.grow(${pages}): cannot grow from ${oldPages} pages`);
    }
    if (pages > 0) {
      const bigger = new ArrayBuffer((oldPages + pages) * PAGE_SIZE);
      new Uint8Array(bigger).set(new Uint8Array(this.#buffer));
      this.#buffer = bigger;
    }
    return oldPages;
  }
}

function readU32(m: Uint8Array, at: number): number {
  return (m[at]! | (m[at + 1]! << 8) | (m[at + 2]! << 16) | (m[at + 3]! << 24)) >>> 0;
}

function writeU32(m: Uint8Array, at: number, value: number): void {
  m[at] = value & 0xff;
  m[at + 1] = (value >>> 8) & 0xff;
  m[at + 2] = (value >>> 16) & 0xff;
  m[at + 3] = (value >>> 24) & 0xff;
}

export function createReferenceCore(): CoreInstance {
  const memory = new ReferenceMemory();
  /** A fresh view of the whole memory (the buffer may have been replaced by grow). */
  const bytes = (): Uint8Array => new Uint8Array(memory.buffer);

  /** The key slot's round keys and round count. */
  function keyOf(m: Uint8Array, key: number): { roundKeys: Uint8Array; nr: number } {
    const nr = readU32(m, key + KEY_ROUNDS);
    return { roundKeys: m.subarray(key + KEY_ENC, key + KEY_ENC + 16 * (nr + 1)), nr };
  }

  /** Encrypts the 16 bytes at `src` into `dst` (both offsets into m; may be equal). */
  function encryptAt(m: Uint8Array, key: number, src: number, dst: number): void {
    const { roundKeys, nr } = keyOf(m, key);
    encryptBlockRef(roundKeys, nr, m.subarray(src, src + 16), m.subarray(dst, dst + 16));
  }

  function decryptAt(m: Uint8Array, key: number, src: number, dst: number): void {
    const { roundKeys, nr } = keyOf(m, key);
    decryptBlockRef(roundKeys, nr, m.subarray(src, src + 16), m.subarray(dst, dst + 16));
  }

  // CFB8 and CFB1 (SP 800-38A §6.3) share this shape: for each segment, encrypt the register
  // (through the KS scratch block), XOR the keystream's leading bits into the data, then
  // shift the register left by one segment and append the ciphertext segment.

  /** Shifts the 16-byte register at `reg` left by one byte, appending `b`. */
  function shiftInByte(m: Uint8Array, reg: number, b: number): void {
    for (let j = 0; j < 15; j++) m[reg + j] = m[reg + j + 1]!;
    m[reg + 15] = b;
  }

  /** Shifts the 16-byte register at `reg` left by one bit, appending `bit`. */
  function shiftInBit(m: Uint8Array, reg: number, bit: number): void {
    for (let j = 0; j < 15; j++) m[reg + j] = ((m[reg + j]! << 1) | (m[reg + j + 1]! >> 7)) & 0xff;
    m[reg + 15] = ((m[reg + 15]! << 1) | bit) & 0xff;
  }

  function cfb8(key: number, state: number, io: number, len: number, decrypt: boolean): void {
    const m = bytes();
    const reg = state + STATE_REG;
    const ks = state + STATE_KS;
    for (let i = 0; i < len; i++) {
      encryptAt(m, key, reg, ks);
      const x = m[io + i]!;
      const y = x ^ m[ks]!;
      m[io + i] = y;
      shiftInByte(m, reg, decrypt ? x : y); // the ciphertext byte
    }
    m.fill(0, ks, ks + 16);
  }

  function cfb1(key: number, state: number, io: number, nbits: number, decrypt: boolean): void {
    const m = bytes();
    const reg = state + STATE_REG;
    const ks = state + STATE_KS;
    for (let b = 0; b < nbits; b++) {
      encryptAt(m, key, reg, ks);
      const at = io + (b >>> 3);
      const shift = 7 - (b & 7); // most significant bit of each byte first
      const x = (m[at]! >> shift) & 1;
      const y = x ^ (m[ks]! >> 7);
      m[at] = (m[at]! & ~(1 << shift) & 0xff) | (y << shift);
      shiftInBit(m, reg, decrypt ? x : y); // the ciphertext bit
    }
    m.fill(0, ks, ks + 16);
  }

  // CFB128 (SP 800-38A §6.3), byte at a time so it can stop and resume mid-block. The
  // register holds E(previous ciphertext block); as each byte is processed its keystream
  // byte is replaced by the ciphertext byte, so once a block is complete the register is
  // the ciphertext block, the next feedback input. STATE_POS says where we are.
  function cfb128(key: number, state: number, io: number, len: number, decrypt: boolean): void {
    const m = bytes();
    const reg = state + STATE_REG;
    let n = readU32(m, state + STATE_POS);
    for (let i = 0; i < len; i++) {
      if (n === 0) encryptAt(m, key, reg, reg);
      const x = m[io + i]!;
      const y = x ^ m[reg + n]!;
      m[io + i] = y;
      m[reg + n] = decrypt ? x : y; // the ciphertext byte
      n = (n + 1) & 15;
    }
    writeU32(m, state + STATE_POS, n);
  }

  const kernels: CoreKernels = {
    expandKey(key, keyPtr, keyLen) {
      const nr = roundsForKeyLength(keyLen);
      if (nr === 0) return 0;
      const m = bytes();
      m.set(expandKeyBytes(m.slice(keyPtr, keyPtr + keyLen)), key + KEY_ENC);
      writeU32(m, key + KEY_ROUNDS, nr);
      return nr;
    },

    expandEncryptionKey(key, keyPtr, keyLen) {
      return kernels.expandKey(key, keyPtr, keyLen);
    },

    // The plain inverse cipher (FIPS 197 §5.3) uses the encryption round keys: nothing to derive.
    expandDecryptionKey() {},

    encryptOne(key, src, dst) {
      encryptAt(bytes(), key, src, dst);
    },

    decryptOne(key, src, dst) {
      decryptAt(bytes(), key, src, dst);
    },

    // ECB (SP 800-38A §6.1): each block on its own. `len` is a multiple of 16.
    ecbEncrypt(key, io, len) {
      const m = bytes();
      for (let p = io; p < io + len; p += 16) encryptAt(m, key, p, p);
    },

    ecbDecrypt(key, io, len) {
      const m = bytes();
      for (let p = io; p < io + len; p += 16) decryptAt(m, key, p, p);
    },

    // CBC (SP 800-38A §6.2). The register holds the IV, then the last ciphertext block.
    cbcEncrypt(key, state, io, len) {
      const m = bytes();
      const reg = state + STATE_REG;
      for (let p = io; p < io + len; p += 16) {
        for (let j = 0; j < 16; j++) m[p + j]! ^= m[reg + j]!;
        encryptAt(m, key, p, p);
        m.copyWithin(reg, p, p + 16);
      }
    },

    cbcDecrypt(key, state, io, len) {
      const m = bytes();
      const reg = state + STATE_REG;
      for (let p = io; p < io + len; p += 16) {
        const ciphertext = m.slice(p, p + 16);
        decryptAt(m, key, p, p);
        for (let j = 0; j < 16; j++) m[p + j]! ^= m[reg + j]!;
        m.set(ciphertext, reg);
      }
    },

    cfbEncrypt(key, state, io, len) {
      cfb128(key, state, io, len, false);
    },

    cfbDecrypt(key, state, io, len) {
      cfb128(key, state, io, len, true);
    },

    cfb8Encrypt(key, state, io, len) {
      cfb8(key, state, io, len, false);
    },

    cfb8Decrypt(key, state, io, len) {
      cfb8(key, state, io, len, true);
    },

    cfb1Encrypt(key, state, io, nbits) {
      cfb1(key, state, io, nbits, false);
    },

    cfb1Decrypt(key, state, io, nbits) {
      cfb1(key, state, io, nbits, true);
    },

    // OFB (SP 800-38A §6.4): the register holds the current output block, STATE_POS how
    // many of its bytes are used; the next output block is E(register).
    ofb(key, state, io, len) {
      const m = bytes();
      const reg = state + STATE_REG;
      let n = readU32(m, state + STATE_POS);
      for (let i = 0; i < len; i++) {
        if (n === 0) encryptAt(m, key, reg, reg);
        m[io + i]! ^= m[reg + n]!;
        n = (n + 1) & 15;
      }
      writeU32(m, state + STATE_POS, n);
    },

    // CTR (SP 800-38A §6.5): the register is the next counter block; KS holds E(the previous
    // one), of which STATE_POS bytes are used. After each block the counter, a big-endian
    // 128-bit number, is incremented, but only the bits set in STATE_CTR_MASK take the new
    // value; the others keep the old one (all ones: Node/OpenSSL; low `length` bits: WebCrypto).
    ctr(key, state, io, len) {
      const m = bytes();
      const reg = state + STATE_REG;
      const ks = state + STATE_KS;
      const mask = state + STATE_CTR_MASK;
      let n = readU32(m, state + STATE_POS);
      for (let i = 0; i < len; i++) {
        if (n === 0) {
          encryptAt(m, key, reg, ks);
          // incremented = counter + 1 (mod 2^128), big-endian: carry from the last byte up.
          const incremented = m.slice(reg, reg + 16);
          for (let j = 15; j >= 0; j--) {
            incremented[j] = (incremented[j]! + 1) & 0xff;
            if (incremented[j] !== 0) break;
          }
          for (let j = 0; j < 16; j++) {
            const bits = m[mask + j]!;
            m[reg + j] = (m[reg + j]! & ~bits & 0xff) | (incremented[j]! & bits);
          }
        }
        m[io + i]! ^= m[ks + n]!;
        n = (n + 1) & 15;
      }
      writeU32(m, state + STATE_POS, n);
    },

    wipe(ptr, len) {
      bytes().fill(0, ptr, ptr + len);
    },
    heapBase() {
      return HEAP_BASE;
    },

    gcmSlotSize() {
      return REF_GCM_SLOT_SIZE;
    },

    ghashSetup(gcm, h) {
      const m = bytes();
      m.copyWithin(gcm + REF_GCM_H, h, h + 16);
    },

    // GHASH (SP 800-38D §6.4) over whole blocks with the bitwise multiply of ./ghash.ts.
    ghash(gcm, acc, io, len) {
      const m = bytes();
      const y = m.subarray(acc, acc + 16);
      const h = m.slice(gcm + REF_GCM_H, gcm + REF_GCM_H + 16);
      ghashBlocks(h, y, m.subarray(io, io + (len - (len % 16))));
      h.fill(0);
    },
  };

  return { kernels, memory, layout: LAYOUT };
}
