// CFB with 128-, 8- and 1-bit segments (SP 800-38A §6.3). Safety: the IV must be
// unpredictable for each message; no integrity. CFB8 and CFB1 run one block encryption per
// byte / per bit, so they are 16x / 128x slower than CFB128.
import { asBytes, outputFor } from "../bytes.js";
import { DataLengthError, show, StateError } from "../errors.js";
import type { AesKey } from "../key.js";
import { Mode } from "./base.js";
import { ByteStream, checkIv, ivCopy, type BulkKernel } from "./stream.js";
import { opaque, readOptions } from "./guard.js";

// Indexed by [segment][encrypt]
const KERNELS: Record<128 | 8 | 1, [decrypt: BulkKernel, encrypt: BulkKernel]> = {
  128: [(k, key, s, io, n) => k.cfbDecrypt(key, s, io, n), (k, key, s, io, n) => k.cfbEncrypt(key, s, io, n)],
  8: [(k, key, s, io, n) => k.cfb8Decrypt(key, s, io, n), (k, key, s, io, n) => k.cfb8Encrypt(key, s, io, n)],
  1: [(k, key, s, io, n) => k.cfb1Decrypt(key, s, io, n), (k, key, s, io, n) => k.cfb1Encrypt(key, s, io, n)],
};

export interface CfbOptions {
  /** Segment size in bits: 128 (default, node's 'aes-*-cfb'), 8 or 1. */
  segment?: 128 | 8 | 1;
}

export class CfbMode extends Mode<ByteStream> {
  readonly segment: 128 | 8 | 1;

  constructor(key: AesKey, iv: Uint8Array, options?: CfbOptions) {
    super(key, ivCopy(iv)); // a copy: the caller may change theirs
    const segment = readOptions(options, ["segment"], "CFB options").segment ?? 128;
    if (segment !== 128 && segment !== 8 && segment !== 1) {
      throw new StateError(`CFB segment must be 128, 8 or 1 bits, got ${show(segment)}`);
    }
    this.segment = segment;
  }

  /** CFB1 on a bit string: the first `bitLength` bits of `data`, most significant bit first. */
  encryptBits(data: Uint8Array, bitLength: number, output?: Uint8Array): Uint8Array {
    return this.bits(this.encryptor(), data, bitLength, output);
  }

  decryptBits(data: Uint8Array, bitLength: number, output?: Uint8Array): Uint8Array {
    return this.bits(this.decryptor(), data, bitLength, output);
  }

  protected stream(encrypt: boolean): ByteStream {
    return cfbStream(this.key, this.iv!, this.segment, encrypt);
  }

  private bits(stream: ByteStream, data: Uint8Array, bitLength: number, output?: Uint8Array): Uint8Array {
    try {
      if (this.segment !== 1) throw new StateError("encryptBits/decryptBits need CFB with segment: 1");
      const src = asBytes(data);
      const nbytes = Math.ceil(bitLength / 8);
      if (!Number.isInteger(bitLength) || bitLength < 0 || nbytes > src.length) {
        throw new DataLengthError(`bitLength must be an integer from 0 to ${src.length * 8}, got ${show(bitLength)}`);
      }
      const out = outputFor(output, nbytes);
      stream.runBits(src.subarray(0, nbytes), out, bitLength);
      if (bitLength % 8) out[nbytes - 1] &= 0xff << (8 - (bitLength % 8)); // bits past the end are zero
      return out;
    } finally {
      stream.final();
    }
  }
}

/** A CFB stream straight from a key; the IV is copied into WASM memory at once. */
export function cfbStream(key: AesKey, iv: Uint8Array, segment: 128 | 8 | 1, encrypt: boolean): ByteStream {
  checkIv(iv);
  return new ByteStream(key, KERNELS[segment][encrypt ? 1 : 0], iv, segment === 1 ? 8 : 1);
}

opaque(CfbMode, "CfbMode", (m) => ({ bits: m.key.bits, segment: m.segment }));
