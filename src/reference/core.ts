// The pure-TypeScript core: the same kernels, IO window and state-slot fields as the WebAssembly
// core (assembly/), for where WebAssembly or its SIMD is unavailable (a Content-Security-Policy
// without 'wasm-unsafe-eval', old engines). It is constant-time by construction, with no
// option to be anything else:
// - AES blocks go through ./aes-ct.ts: 32-bit bitsliced AES, two blocks per call, SubBytes as a
//   Boolean circuit, no table lookups. Kernels whose blocks are independent (ECB, CBC and CFB128
//   decryption, CTR, and CFB8/CFB1 decryption, whose next register is known from the ciphertext)
//   fill both lanes; serial ones (CBC/CFB encryption, OFB, CFB8/CFB1 encryption, single blocks)
//   use one lane.
// - Key expansion is table-free too (SubWord through the circuit) and stores the bitsliced,
//   pre-rotated round keys in the key slot, so a kernel call only copies them into scratch.
//   Encryption and decryption use the same round keys: expandDecryptionKey has nothing to do.
// - GHASH goes through ./ghash-ct.ts: carry-less multiplication from integer multiplies with
//   holes, no tables, no branches on data.
// - The modes branch only on public values: lengths, the position inside a block, the
//   decrypt flag, the key length. The CTR counter is incremented with a branch-free carry and
//   merged under STATE_CTR_MASK with masks. Data bytes and bits are never used as indices.
// See ./aes-ct.ts for what "constant-time" assumes of the JavaScript engine.
//
// Like the WASM core it owns a linear "memory" that the host addresses with byte offsets.
// Every kernel reads `memory.buffer` afresh (grow() replaces it) and keeps nothing between
// calls outside the slots: module-level scratch (round keys, bitsliced state, counter) is
// zeroed before each kernel returns, so the host may wipe a slot with zeros and reuse it.
//
// Key slot (KEY_SLOT_SIZE = 576 bytes, this core's own format; the host reads every size and
// offset from `layout`, and the WASM core's slot differs): the host writes the raw key at
// KEY_ENC (0); expandKey replaces it with the bitsliced round keys, 32 bytes per round key
// (480 bytes for AES-256), zeroes the rest up to KEY_ROUNDS, and writes Nr as a little-endian
// u32 at KEY_ROUNDS (496), and keeps the raw key at KEY_RAW (512..543). KEY_DEC is not used.
//
// State slot (STATE_SLOT_SIZE bytes): see CoreLayout / assembly/layout.ts.
//   STATE_REG       16 bytes, the mode's register (IV, chaining block, shift register,
//                   OFB output block, or CTR counter block), as on the wire
//   STATE_KS        16 bytes, CTR keystream block being consumed (only while STATE_POS != 0);
//                   no other mode touches it (CFB8/CFB1 keep their keystream in scratch)
//   STATE_CTR_MASK  16 bytes, big-endian mask of the counter bits that advance in CTR
//   STATE_POS       u32 little-endian, bytes of the current block already used (CFB128,
//                   OFB, CTR); always 0..15
//
// GCM slot: see ./ghash-ct.ts.
import type { CoreInstance, CoreKernels, CoreLayout } from "../wasm/abi.js";
import { BLK, decrypt2, encrypt2, expandKeyCT, loadKeys, wipeScratch } from "./aes-ct.js";
import { GCM_SLOT_SIZE, ghashCT, ghashSetupCT, polyvalCT, polyvalSetupCT } from "./ghash-ct.js";
import { xtsBlocks, xtsSteal } from "./xts.js";
import { ocbKernels, OCB_SLOT_SIZE } from "./ocb.js";

const PAGE_SIZE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit
const INITIAL_PAGES = 4;
const HEAP_BASE = 0x20000;

/** The memory map: IO window and state slot as in assembly/layout.ts; the key slot is this core's own. */
const LAYOUT: CoreLayout = Object.freeze({
  IO: 0x10000,
  IO_SIZE: 0x10000,
  KEY_SLOT_SIZE: 576,
  STATE_SLOT_SIZE: 64,
  KEY_ENC: 0,
  KEY_DEC: 256,
  KEY_ROUNDS: 496,
  KEY_RAW: 512,
  STATE_REG: 0,
  STATE_KS: 16,
  STATE_CTR_MASK: 32,
  STATE_POS: 48,
  OCB_SLOT_SIZE, // ./ocb.ts: its own slot format
});
const { KEY_ENC, KEY_ROUNDS, KEY_RAW, STATE_REG, STATE_KS, STATE_CTR_MASK, STATE_POS } = LAYOUT;

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

/** CTR counter block (big-endian words, CTR[0] most significant) and its mask, during a call. */
const CTR = new Int32Array(8);

const bswap = (x: number): number => (x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);

/** The counter block as little-endian AES input words in BLK[lane..lane+3], then counter += 1 under the mask. */
function nextCounter(lane: number): void {
  const c0 = CTR[0]!, c1 = CTR[1]!, c2 = CTR[2]!, c3 = CTR[3]!;
  BLK[lane] = bswap(c0);
  BLK[lane + 1] = bswap(c1);
  BLK[lane + 2] = bswap(c2);
  BLK[lane + 3] = bswap(c3);
  // 128-bit big-endian increment; each carry is the top bit of (old & ~new), no branch.
  const n3 = (c3 + 1) | 0;
  let k = (c3 & ~n3) >>> 31;
  const n2 = (c2 + k) | 0;
  k = (c2 & ~n2) >>> 31;
  const n1 = (c1 + k) | 0;
  k = (c1 & ~n1) >>> 31;
  const n0 = (c0 + k) | 0;
  const m0 = CTR[4]!, m1 = CTR[5]!, m2 = CTR[6]!, m3 = CTR[7]!;
  CTR[0] = (c0 & ~m0) | (n0 & m0);
  CTR[1] = (c1 & ~m1) | (n1 & m1);
  CTR[2] = (c2 & ~m2) | (n2 & m2);
  CTR[3] = (c3 & ~m3) | (n3 & m3);
}

/** As nextCounter for ctr32le: CTR holds the block as little-endian words; word 0 += 1 under its mask. */
function nextCounter32le(lane: number): void {
  const c0 = CTR[0]!;
  BLK[lane] = c0;
  BLK[lane + 1] = CTR[1]!;
  BLK[lane + 2] = CTR[2]!;
  BLK[lane + 3] = CTR[3]!;
  const m0 = CTR[4]!;
  CTR[0] = (c0 & ~m0) | (((c0 + 1) | 0) & m0);
}

export function createReferenceCore(): CoreInstance {
  const memory = new ReferenceMemory();
  let viewBuffer: ArrayBuffer | undefined;
  let dv = new DataView(memory.buffer);
  let m = new Uint8Array(memory.buffer);
  /** Refreshes the views if grow() replaced the buffer. */
  const views = (): void => {
    const b = memory.buffer;
    if (b !== viewBuffer) {
      viewBuffer = b;
      dv = new DataView(b);
      m = new Uint8Array(b);
    }
  };

  /** Loads the key slot's round keys into scratch; returns Nr. */
  const useKey = (key: number): number => {
    const nr = Math.min(dv.getUint32(key + KEY_ROUNDS, true), 14);
    loadKeys(dv, key + KEY_ENC, nr);
    return nr;
  };

  // Block moves between memory (little-endian words) and the two lanes of BLK.
  const loadA = (p: number): void => {
    BLK[0] = dv.getInt32(p, true);
    BLK[1] = dv.getInt32(p + 4, true);
    BLK[2] = dv.getInt32(p + 8, true);
    BLK[3] = dv.getInt32(p + 12, true);
  };
  const loadB = (p: number): void => {
    BLK[4] = dv.getInt32(p, true);
    BLK[5] = dv.getInt32(p + 4, true);
    BLK[6] = dv.getInt32(p + 8, true);
    BLK[7] = dv.getInt32(p + 12, true);
  };
  const store = (p: number, lane: number): void => {
    dv.setInt32(p, BLK[lane]!, true);
    dv.setInt32(p + 4, BLK[lane + 1]!, true);
    dv.setInt32(p + 8, BLK[lane + 2]!, true);
    dv.setInt32(p + 12, BLK[lane + 3]!, true);
  };
  /** The 16 bytes at p ^= lane `lane` of BLK. */
  const xorInto = (p: number, lane: number): void => {
    dv.setInt32(p, dv.getInt32(p, true) ^ BLK[lane]!, true);
    dv.setInt32(p + 4, dv.getInt32(p + 4, true) ^ BLK[lane + 1]!, true);
    dv.setInt32(p + 8, dv.getInt32(p + 8, true) ^ BLK[lane + 2]!, true);
    dv.setInt32(p + 12, dv.getInt32(p + 12, true) ^ BLK[lane + 3]!, true);
  };

  function ecb(key: number, io: number, len: number, decrypt: boolean): void {
    views();
    const nr = useKey(key);
    const end = io + len;
    let p = io;
    for (; p + 32 <= end; p += 32) {
      loadA(p);
      loadB(p + 16);
      if (decrypt) decrypt2(nr);
      else encrypt2(nr);
      store(p, 0);
      store(p + 16, 4);
    }
    if (p < end) {
      loadA(p);
      if (decrypt) decrypt2(nr);
      else encrypt2(nr);
      store(p, 0);
    }
    wipeScratch();
  }

  // CBC (SP 800-38A §6.2). The register holds the IV, then the last ciphertext block.
  function cbcEncrypt(key: number, state: number, io: number, len: number): void {
    views();
    const nr = useKey(key);
    const reg = state + STATE_REG;
    let r0 = dv.getInt32(reg, true), r1 = dv.getInt32(reg + 4, true), r2 = dv.getInt32(reg + 8, true), r3 = dv.getInt32(reg + 12, true);
    for (let p = io, end = io + len; p < end; p += 16) {
      BLK[0] = r0 ^ dv.getInt32(p, true);
      BLK[1] = r1 ^ dv.getInt32(p + 4, true);
      BLK[2] = r2 ^ dv.getInt32(p + 8, true);
      BLK[3] = r3 ^ dv.getInt32(p + 12, true);
      encrypt2(nr);
      r0 = BLK[0]!; r1 = BLK[1]!; r2 = BLK[2]!; r3 = BLK[3]!;
      store(p, 0);
    }
    dv.setInt32(reg, r0, true); dv.setInt32(reg + 4, r1, true); dv.setInt32(reg + 8, r2, true); dv.setInt32(reg + 12, r3, true);
    wipeScratch();
  }

  function cbcDecrypt(key: number, state: number, io: number, len: number): void {
    views();
    const nr = useKey(key);
    const reg = state + STATE_REG;
    let r0 = dv.getInt32(reg, true), r1 = dv.getInt32(reg + 4, true), r2 = dv.getInt32(reg + 8, true), r3 = dv.getInt32(reg + 12, true);
    const end = io + len;
    let p = io;
    for (; p + 32 <= end; p += 32) {
      loadA(p);
      loadB(p + 16);
      const a0 = BLK[0]!, a1 = BLK[1]!, a2 = BLK[2]!, a3 = BLK[3]!; // ciphertext, kept for chaining
      const b0 = BLK[4]!, b1 = BLK[5]!, b2 = BLK[6]!, b3 = BLK[7]!;
      decrypt2(nr);
      dv.setInt32(p, BLK[0]! ^ r0, true);
      dv.setInt32(p + 4, BLK[1]! ^ r1, true);
      dv.setInt32(p + 8, BLK[2]! ^ r2, true);
      dv.setInt32(p + 12, BLK[3]! ^ r3, true);
      dv.setInt32(p + 16, BLK[4]! ^ a0, true);
      dv.setInt32(p + 20, BLK[5]! ^ a1, true);
      dv.setInt32(p + 24, BLK[6]! ^ a2, true);
      dv.setInt32(p + 28, BLK[7]! ^ a3, true);
      r0 = b0; r1 = b1; r2 = b2; r3 = b3;
    }
    if (p < end) {
      loadA(p);
      const a0 = BLK[0]!, a1 = BLK[1]!, a2 = BLK[2]!, a3 = BLK[3]!;
      decrypt2(nr);
      dv.setInt32(p, BLK[0]! ^ r0, true);
      dv.setInt32(p + 4, BLK[1]! ^ r1, true);
      dv.setInt32(p + 8, BLK[2]! ^ r2, true);
      dv.setInt32(p + 12, BLK[3]! ^ r3, true);
      r0 = a0; r1 = a1; r2 = a2; r3 = a3;
    }
    dv.setInt32(reg, r0, true); dv.setInt32(reg + 4, r1, true); dv.setInt32(reg + 8, r2, true); dv.setInt32(reg + 12, r3, true);
    wipeScratch();
  }

  // CFB128 (SP 800-38A §6.3), resumable mid-block. The register holds E(previous ciphertext
  // block); as each byte is processed its keystream byte is replaced by the ciphertext byte,
  // so once a block is complete the register is the ciphertext block, the next feedback input,
  // not yet encrypted. STATE_POS says where we are. Decryption knows every feedback block in
  // advance and runs two blocks per AES call.
  function cfb128(key: number, state: number, io: number, len: number, decrypt: boolean): void {
    views();
    const reg = state + STATE_REG;
    let n = dv.getUint32(state + STATE_POS, true);
    let i = 0;
    for (; n !== 0 && i < len; i++) {
      const x = m[io + i]!;
      const y = x ^ m[reg + n]!;
      m[io + i] = y;
      m[reg + n] = decrypt ? x : y;
      n = (n + 1) & 15;
    }
    if (i < len) {
      const nr = useKey(key);
      loadA(reg);
      let r0 = BLK[0]!, r1 = BLK[1]!, r2 = BLK[2]!, r3 = BLK[3]!;
      if (decrypt) {
        for (; len - i >= 32; i += 32) {
          const p = io + i;
          BLK[0] = r0; BLK[1] = r1; BLK[2] = r2; BLK[3] = r3;
          loadB(p);
          const a0 = BLK[4]!, a1 = BLK[5]!, a2 = BLK[6]!, a3 = BLK[7]!;
          r0 = dv.getInt32(p + 16, true); r1 = dv.getInt32(p + 20, true); r2 = dv.getInt32(p + 24, true); r3 = dv.getInt32(p + 28, true);
          encrypt2(nr);
          dv.setInt32(p, a0 ^ BLK[0]!, true);
          dv.setInt32(p + 4, a1 ^ BLK[1]!, true);
          dv.setInt32(p + 8, a2 ^ BLK[2]!, true);
          dv.setInt32(p + 12, a3 ^ BLK[3]!, true);
          dv.setInt32(p + 16, r0 ^ BLK[4]!, true);
          dv.setInt32(p + 20, r1 ^ BLK[5]!, true);
          dv.setInt32(p + 24, r2 ^ BLK[6]!, true);
          dv.setInt32(p + 28, r3 ^ BLK[7]!, true);
        }
      }
      for (; len - i >= 16; i += 16) {
        const p = io + i;
        BLK[0] = r0; BLK[1] = r1; BLK[2] = r2; BLK[3] = r3;
        encrypt2(nr);
        const x0 = dv.getInt32(p, true), x1 = dv.getInt32(p + 4, true), x2 = dv.getInt32(p + 8, true), x3 = dv.getInt32(p + 12, true);
        const y0 = x0 ^ BLK[0]!, y1 = x1 ^ BLK[1]!, y2 = x2 ^ BLK[2]!, y3 = x3 ^ BLK[3]!;
        dv.setInt32(p, y0, true); dv.setInt32(p + 4, y1, true); dv.setInt32(p + 8, y2, true); dv.setInt32(p + 12, y3, true);
        if (decrypt) { r0 = x0; r1 = x1; r2 = x2; r3 = x3; }
        else { r0 = y0; r1 = y1; r2 = y2; r3 = y3; }
      }
      BLK[0] = r0; BLK[1] = r1; BLK[2] = r2; BLK[3] = r3;
      if (i < len) encrypt2(nr); // the register becomes E(feedback) for the partial block
      store(reg, 0);
      for (; i < len; i++) {
        const x = m[io + i]!;
        const y = x ^ m[reg + n]!;
        m[io + i] = y;
        m[reg + n] = decrypt ? x : y;
        n = (n + 1) & 15;
      }
      wipeScratch();
    }
    dv.setUint32(state + STATE_POS, n, true);
  }

  // CFB8 (SP 800-38A §6.3, s = 8): for each byte, encrypt the register, XOR the keystream's
  // first byte into the data, then shift the register left one byte, appending the ciphertext
  // byte. The register is kept as little-endian words, so the shift is word shifts. Decryption
  // knows the next register from the ciphertext and does two bytes per AES call.
  function cfb8(key: number, state: number, io: number, len: number, decrypt: boolean): void {
    views();
    const reg = state + STATE_REG;
    if (len > 0) {
      const nr = useKey(key);
      loadA(reg);
      let r0 = BLK[0]!, r1 = BLK[1]!, r2 = BLK[2]!, r3 = BLK[3]!;
      let i = 0;
      if (decrypt) {
        for (; len - i >= 2; i += 2) {
          const x0 = m[io + i]!, x1 = m[io + i + 1]!;
          BLK[0] = r0; BLK[1] = r1; BLK[2] = r2; BLK[3] = r3;
          r0 = (r0 >>> 8) | (r1 << 24); r1 = (r1 >>> 8) | (r2 << 24); r2 = (r2 >>> 8) | (r3 << 24); r3 = (r3 >>> 8) | (x0 << 24);
          BLK[4] = r0; BLK[5] = r1; BLK[6] = r2; BLK[7] = r3;
          r0 = (r0 >>> 8) | (r1 << 24); r1 = (r1 >>> 8) | (r2 << 24); r2 = (r2 >>> 8) | (r3 << 24); r3 = (r3 >>> 8) | (x1 << 24);
          encrypt2(nr);
          m[io + i] = x0 ^ BLK[0]!;
          m[io + i + 1] = x1 ^ BLK[4]!;
        }
      }
      for (; i < len; i++) {
        BLK[0] = r0; BLK[1] = r1; BLK[2] = r2; BLK[3] = r3;
        encrypt2(nr);
        const x = m[io + i]!;
        const y = (x ^ BLK[0]!) & 0xff;
        m[io + i] = y;
        const c = decrypt ? x : y; // the ciphertext byte
        r0 = (r0 >>> 8) | (r1 << 24); r1 = (r1 >>> 8) | (r2 << 24); r2 = (r2 >>> 8) | (r3 << 24); r3 = (r3 >>> 8) | (c << 24);
      }
      BLK[0] = r0; BLK[1] = r1; BLK[2] = r2; BLK[3] = r3;
      store(reg, 0);
      wipeScratch();
    }
  }

  // CFB1 (s = 1), most significant bit of each byte first. The register is kept as big-endian
  // words (a 128-bit shift left is word shifts), byte-swapped into the AES input.
  function cfb1(key: number, state: number, io: number, nbits: number, decrypt: boolean): void {
    views();
    const reg = state + STATE_REG;
    if (nbits > 0) {
      const nr = useKey(key);
      let r0 = dv.getInt32(reg, false), r1 = dv.getInt32(reg + 4, false), r2 = dv.getInt32(reg + 8, false), r3 = dv.getInt32(reg + 12, false);
      let b = 0;
      if (decrypt) {
        for (; nbits - b >= 2; b += 2) {
          const at0 = io + (b >>> 3), sh0 = 7 - (b & 7);
          const at1 = io + ((b + 1) >>> 3), sh1 = 7 - ((b + 1) & 7);
          const x0 = (m[at0]! >>> sh0) & 1, x1 = (m[at1]! >>> sh1) & 1;
          BLK[0] = bswap(r0); BLK[1] = bswap(r1); BLK[2] = bswap(r2); BLK[3] = bswap(r3);
          r0 = (r0 << 1) | (r1 >>> 31); r1 = (r1 << 1) | (r2 >>> 31); r2 = (r2 << 1) | (r3 >>> 31); r3 = (r3 << 1) | x0;
          BLK[4] = bswap(r0); BLK[5] = bswap(r1); BLK[6] = bswap(r2); BLK[7] = bswap(r3);
          r0 = (r0 << 1) | (r1 >>> 31); r1 = (r1 << 1) | (r2 >>> 31); r2 = (r2 << 1) | (r3 >>> 31); r3 = (r3 << 1) | x1;
          encrypt2(nr);
          const y0 = x0 ^ ((BLK[0]! >>> 7) & 1), y1 = x1 ^ ((BLK[4]! >>> 7) & 1);
          m[at0] = (m[at0]! & ~(1 << sh0)) | (y0 << sh0);
          m[at1] = (m[at1]! & ~(1 << sh1)) | (y1 << sh1);
        }
      }
      for (; b < nbits; b++) {
        const at = io + (b >>> 3), sh = 7 - (b & 7);
        BLK[0] = bswap(r0); BLK[1] = bswap(r1); BLK[2] = bswap(r2); BLK[3] = bswap(r3);
        encrypt2(nr);
        const x = (m[at]! >>> sh) & 1;
        const y = x ^ ((BLK[0]! >>> 7) & 1); // keystream bit: the most significant bit of byte 0
        m[at] = (m[at]! & ~(1 << sh)) | (y << sh);
        const c = decrypt ? x : y; // the ciphertext bit
        r0 = (r0 << 1) | (r1 >>> 31); r1 = (r1 << 1) | (r2 >>> 31); r2 = (r2 << 1) | (r3 >>> 31); r3 = (r3 << 1) | c;
      }
      dv.setInt32(reg, r0, false); dv.setInt32(reg + 4, r1, false); dv.setInt32(reg + 8, r2, false); dv.setInt32(reg + 12, r3, false);
      wipeScratch();
    }
  }

  // CTR (SP 800-38A §6.5): the register is the next counter block; KS holds E(the previous
  // one), of which STATE_POS bytes are used. After each block the counter, a big-endian
  // 128-bit number, is incremented, but only the bits set in STATE_CTR_MASK take the new
  // value; the others keep the old one (all ones: Node/OpenSSL; low `length` bits: WebCrypto).
  // ctr32le (GCM-SIV, RFC 8452 §4): the register and the mask are read as little-endian words
  // instead, and only the first word (bytes 0..3) counts, mod 2^32.
  function ctr(key: number, state: number, io: number, len: number, le: boolean): void {
    views();
    const reg = state + STATE_REG;
    const ks = state + STATE_KS;
    let n = dv.getUint32(state + STATE_POS, true);
    let i = 0;
    for (; n !== 0 && i < len; i++) {
      m[io + i] = m[io + i]! ^ m[ks + n]!;
      n = (n + 1) & 15;
    }
    if (i < len) {
      const nr = useKey(key);
      const next = le ? nextCounter32le : nextCounter;
      for (let j = 0; j < 4; j++) {
        CTR[j] = dv.getInt32(reg + 4 * j, le);
        CTR[4 + j] = dv.getInt32(state + STATE_CTR_MASK + 4 * j, le);
      }
      for (; len - i >= 32; i += 32) {
        next(0);
        next(4);
        encrypt2(nr);
        xorInto(io + i, 0);
        xorInto(io + i + 16, 4);
      }
      const rest = len - i; // 0..31 bytes: none, one or two more counter blocks
      if (rest > 0) {
        next(0);
        if (rest > 16) next(4);
        encrypt2(nr);
        let lane = 0;
        if (rest >= 16) {
          xorInto(io + i, 0);
          i += 16;
          lane = 4;
        }
        if (i < len) {
          store(ks, lane); // the keystream block the next call continues
          for (; i < len; i++) {
            m[io + i] = m[io + i]! ^ m[ks + n]!;
            n = n + 1;
          }
        }
      }
      for (let j = 0; j < 4; j++) dv.setInt32(reg + 4 * j, CTR[j]!, le);
      CTR.fill(0);
      wipeScratch();
    }
    dv.setUint32(state + STATE_POS, n, true);
  }

  const kernels: CoreKernels = {
    expandKey(key, keyPtr, keyLen) {
      views();
      if (keyLen !== 16 && keyLen !== 24 && keyLen !== 32) return 0;
      // The raw key is kept at KEY_RAW (read first: keyPtr may be the slot's own KEY_ENC).
      m.copyWithin(key + KEY_RAW, keyPtr, keyPtr + keyLen);
      m.fill(0, key + KEY_RAW + keyLen, key + KEY_RAW + 32);
      const nr = expandKeyCT(dv, key + KEY_ENC, key + KEY_RAW, keyLen);
      if (nr === 0) return 0;
      m.fill(0, key + KEY_ENC + 32 * (nr + 1), key + KEY_ROUNDS); // no words of a longer previous key
      dv.setUint32(key + KEY_ROUNDS, nr, true);
      return nr;
    },

    expandEncryptionKey(key, keyPtr, keyLen) {
      return kernels.expandKey(key, keyPtr, keyLen);
    },

    // The straight inverse cipher runs on the same bitsliced round keys: nothing to derive.
    expandDecryptionKey() {},

    encryptOne(key, src, dst) {
      views();
      const nr = useKey(key);
      loadA(src);
      encrypt2(nr);
      store(dst, 0);
      wipeScratch();
    },

    decryptOne(key, src, dst) {
      views();
      const nr = useKey(key);
      loadA(src);
      decrypt2(nr);
      store(dst, 0);
      wipeScratch();
    },

    // ECB (SP 800-38A §6.1): each block on its own. `len` is a multiple of 16.
    ecbEncrypt(key, io, len) {
      ecb(key, io, len, false);
    },

    ecbDecrypt(key, io, len) {
      ecb(key, io, len, true);
    },

    cbcEncrypt,
    cbcDecrypt,

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
      views();
      const reg = state + STATE_REG;
      let n = dv.getUint32(state + STATE_POS, true);
      let i = 0;
      for (; n !== 0 && i < len; i++) {
        m[io + i] = m[io + i]! ^ m[reg + n]!;
        n = (n + 1) & 15;
      }
      if (i < len) {
        const nr = useKey(key);
        loadA(reg);
        for (; len - i >= 16; i += 16) {
          encrypt2(nr);
          xorInto(io + i, 0);
        }
        if (i < len) encrypt2(nr);
        store(reg, 0);
        for (; i < len; i++) {
          m[io + i] = m[io + i]! ^ m[reg + n]!;
          n = (n + 1) & 15;
        }
        wipeScratch();
      }
      dv.setUint32(state + STATE_POS, n, true);
    },

    ctr(key, state, io, len) {
      ctr(key, state, io, len, false);
    },
    ctr32le(key, state, io, len) {
      ctr(key, state, io, len, true);
    },

    // XTS (IEEE 1619): ./xts.ts; the key slot is K1's, STATE_REG the tweak of the next block.
    xtsEncrypt(key, state, io, len) {
      views();
      xtsBlocks(dv, useKey(key), state + STATE_REG, io, len, false);
    },
    xtsDecrypt(key, state, io, len) {
      views();
      xtsBlocks(dv, useKey(key), state + STATE_REG, io, len, true);
    },
    xtsEncryptLast(key, state, io, len) {
      views();
      xtsSteal(dv, useKey(key), state + STATE_REG, io, len, false);
    },
    xtsDecryptLast(key, state, io, len) {
      views();
      xtsSteal(dv, useKey(key), state + STATE_REG, io, len, true);
    },

    wipe(ptr, len) {
      new Uint8Array(memory.buffer).fill(0, ptr, ptr + len);
    },
    heapBase() {
      return HEAP_BASE;
    },

    gcmSlotSize() {
      return GCM_SLOT_SIZE;
    },

    ghashSetup(gcm, h) {
      views();
      ghashSetupCT(dv, gcm, h);
    },

    // GHASH (SP 800-38D §6.4) over whole blocks.
    ghash(gcm, acc, io, len) {
      views();
      ghashCT(dv, gcm, acc, io, len);
    },

    // POLYVAL (RFC 8452 §3) for GCM-SIV, on the GHASH code (./ghash-ct.ts).
    polyvalSetup(gcm, h) {
      views();
      polyvalSetupCT(dv, gcm, h);
    },
    polyval(gcm, acc, io, len) {
      views();
      polyvalCT(dv, gcm, acc, io, len);
    },

    // OCB3 (RFC 7253): ./ocb.ts.
    ...ocbKernels({ view: () => (views(), dv), useKey }),
  };

  return { kernels, memory, layout: LAYOUT };
}
