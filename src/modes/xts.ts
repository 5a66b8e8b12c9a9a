// XTS-AES (IEEE 1619-2018, NIST SP 800-38E): length-preserving encryption of storage data
// units (disk sectors), each under a 16-byte tweak (normally the sector number).
//
// Safety: confidentiality only, for data at rest where no room exists for an IV or a tag. No
// integrity: a changed ciphertext block decrypts to random bytes, undetected. Deterministic per
// (key, tweak, block position): whoever sees two versions of a sector learns which 16-byte
// blocks changed. Each data unit needs its own tweak; re-encrypting a sector under its tweak is
// the intended use, so a mode object may encrypt any number of times (unlike CTR/CBC objects).
//
// The key is two AES keys of the same size, K1 (data) then K2 (tweak): 32 bytes for
// XTS-AES-128, 64 for XTS-AES-256 (192-bit halves are not XTS-AES). K1 = K2 is refused
// (WeakKeyError), compared in constant time. A data unit is 16 bytes to 2^20 blocks; a length
// that is not a multiple of 16 uses ciphertext stealing, which the kernels do entirely in the
// core's memory (assembly/xts.ts, src/reference/xts.ts), so no tweak leaves it. T_0 = E_K2(i)
// is made in the state slot of K2's key block (K2 makes no streams, so that slot is always
// free), the kernels advance it there, and the slot and the IO window are wiped after each call.
import { asBytes, byteLengthOf, copyBytesInto, outputFor, unaliased, viewBytes } from "../bytes.js";
import { DataLengthError, DisposedError, KeyLengthError, show, StateError, WeakKeyError } from "../errors.js";
import { AesKey } from "../key.js";
import { opaque } from "./guard.js";
import { ivCopy, wipeWindow } from "./stream.js";

/** Longest data unit: 2^20 blocks (IEEE 1619-2018 §5.1, SP 800-38E), as OpenSSL enforces. */
export const XTS_MAX_DATA_UNIT_BYTES = 2 ** 24;

const TWO_128 = 1n << 128n;

/** Runs one data unit; set in XtsKey's static block (it reads the key's private halves). */
let runUnit: (key: XtsKey, owner: object, tweak: Uint8Array, data: unknown, output: unknown, decrypt: boolean) => Uint8Array;

export class XtsKey {
  /** Size of each AES half in bits: 128 (XTS-AES-128, a 32-byte key) or 256 (a 64-byte key). */
  readonly bits: 128 | 256;
  readonly #data: AesKey; // K1
  readonly #tweak: AesKey; // K2

  constructor(keyBytes: Uint8Array) {
    const length = byteLengthOf(keyBytes, "key");
    if (length !== 32 && length !== 64) {
      throw new KeyLengthError(`XTS key must be 32 or 64 bytes (two AES-128 or two AES-256 keys), got ${length}`);
    }
    // Views of the caller's bytes, not copies: each half goes straight into its key slot.
    const bytes = viewBytes(keyBytes, "key");
    const half = length / 2;
    const k1 = bytes.subarray(0, half);
    const k2 = bytes.subarray(half);
    let diff = 0;
    for (let i = 0; i < half; i++) diff |= k1[i]! ^ k2[i]!;
    if (diff === 0) throw new WeakKeyError("XTS key halves must differ (K1 = K2 would encrypt the tweak under the data key)");
    this.bits = (half * 8) as 128 | 256;
    this.#data = new AesKey(k1);
    try {
      this.#tweak = new AesKey(k2);
    } catch (e) {
      this.#data.dispose();
      throw e;
    }
  }

  get disposed(): boolean {
    return this.#data.disposed;
  }

  /** XTS under a 16-byte tweak (as on the wire: for sector n, n as a 16-byte little-endian number). */
  xts(tweak: Uint8Array): XtsMode {
    return new XtsMode(this, tweak);
  }

  /** Encrypts one data unit with the tweak of sector `sector` (little-endian, IEEE 1619's data unit sequence number). */
  encryptSector(data: Uint8Array, sector: number | bigint, output?: Uint8Array): Uint8Array {
    return runUnit(this, this, sectorTweak(sector), data, output, false);
  }

  /** Decrypts one data unit with the tweak of sector `sector`. */
  decryptSector(data: Uint8Array, sector: number | bigint, output?: Uint8Array): Uint8Array {
    return runUnit(this, this, sectorTweak(sector), data, output, true);
  }

  /** Zeroes both expanded keys in WASM memory and frees them. Idempotent; later use throws DisposedError. */
  dispose(): void {
    this.#data.dispose();
    this.#tweak.dispose();
  }

  static {
    runUnit = (key, owner, tweak, data, output, decrypt) => {
      const k1 = key.#data;
      const k2 = key.#tweak;
      const slot = k1.slot; // DisposedError
      k2.slot;
      const src = asBytes(data);
      const len = src.length;
      if (len < 16 || len > XTS_MAX_DATA_UNIT_BYTES) {
        throw new DataLengthError(`an XTS data unit is 16 to ${XTS_MAX_DATA_UNIT_BYTES} bytes, got ${len}`);
      }
      const out = outputFor(output, len); // checked before anything runs
      const input = output === undefined ? src : unaliased(src, out);
      if (decrypt) k1.prepareDecryption();
      const core = k1.core;
      const { io, ioSize, k } = core;
      const lease = k2.acquireState(owner);
      const state = lease.ptr;
      try {
        const reg = state + core.layout.STATE_REG;
        copyBytesInto(tweak, core.mem, reg, "tweak");
        k.encryptOne(k2.slot, reg, reg); // T_0 = E_K2(i)
        const r = len % 16;
        for (let off = 0; off < len;) {
          const rest = len - off;
          let n = rest <= ioSize ? rest : ioSize;
          // The last full block stays in one chunk with the partial block that steals from it.
          if (n < rest && rest - n < 16) n -= 16;
          const mem = core.mem;
          mem.set(n === len ? input : input.subarray(off, off + n), io);
          const tail = n === rest && r !== 0 ? 16 + r : 0;
          const whole = n - tail;
          if (decrypt) k.xtsDecrypt(slot, state, io, whole);
          else k.xtsEncrypt(slot, state, io, whole);
          if (tail !== 0) {
            if (decrypt) k.xtsDecryptLast(slot, state, io + whole, tail);
            else k.xtsEncryptLast(slot, state, io + whole, tail);
          }
          out.set(mem.subarray(io, io + n), off);
          off += n;
        }
      } finally {
        wipeWindow(core, Math.min(ioSize, len)); // the first chunk is the largest
        k2.releaseState(lease); // wipes the tweak
      }
      return out;
    };
  }
}

/** The tweak of sector `sector`: the number as 16 little-endian bytes. */
function sectorTweak(sector: unknown): Uint8Array {
  let n: bigint;
  if (typeof sector === "bigint" && sector >= 0n && sector < TWO_128) n = sector;
  else if (typeof sector === "number" && Number.isSafeInteger(sector) && sector >= 0) n = BigInt(sector);
  else throw new StateError(`sector must be a non-negative safe integer or a bigint below 2^128, got ${show(sector)}`);
  const tweak = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    tweak[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return tweak;
}

/** XTS under one tweak: each encrypt/decrypt call is one whole data unit (16 bytes to 2^20 blocks). */
export class XtsMode {
  readonly #tweak: Uint8Array;

  constructor(readonly key: XtsKey, tweak: Uint8Array) {
    if (key.disposed) throw new DisposedError();
    this.#tweak = ivCopy(tweak, "tweak"); // a private copy: the caller may change theirs
  }

  /** Encrypts one data unit. `output`, if given, receives the bytes (any overlap with `data` is fine). */
  encrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    return runUnit(this.key, this, this.#tweak, data, output, false);
  }

  /** Decrypts one data unit. */
  decrypt(data: Uint8Array, output?: Uint8Array): Uint8Array {
    return runUnit(this.key, this, this.#tweak, data, output, true);
  }
}

opaque(XtsKey, "XtsKey", (k) => ({ bits: k.bits }));
opaque(XtsMode, "XtsMode", (m) => ({ bits: m.key.bits }));

if (typeof Symbol.dispose === "symbol") {
  (XtsKey.prototype as unknown as Record<symbol, () => void>)[Symbol.dispose] = XtsKey.prototype.dispose;
}

/** Expands a 32-byte (XTS-AES-128) or 64-byte (XTS-AES-256) key, K1 then K2, for reuse across data units. */
export function xtsKey(keyBytes: Uint8Array): XtsKey {
  return new XtsKey(keyBytes);
}
