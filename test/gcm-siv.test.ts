// AES-GCM-SIV against @noble/ciphers' gcmsiv on random inputs (both key sizes, AAD and message
// lengths around block and IO-window edges), and the mode's rules: nonce reuse is deterministic,
// every tampered byte is refused with the output untouched, lengths and misuse give typed errors.
import { gcmsiv } from "@noble/ciphers/aes.js";
import { expect, it } from "vitest";
import { aesKey, DataLengthError, DecryptionError, DisposedError, IvLengthError, KeyLengthError } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { expectBytes } from "./helpers/bytes.js";
import { randomBytes, rng } from "./helpers/random.js";

const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 1000, 4095, 4096, 4097];
const BIG = [65535, 65536, 65537, 65536 * 2 + 40];

describeEachBackend("AES-GCM-SIV vs @noble/ciphers", (backend) => {
  for (const bits of [128, 256]) {
    it(`AES-${bits}: message and AAD lengths 0..4097 (seed ${bits})`, () => {
      const next = rng(bits);
      for (const n of LENGTHS) {
        const aadLen = LENGTHS[Math.floor(next() * LENGTHS.length)]!;
        const k = randomBytes(next, bits / 8), nonce = randomBytes(next, 12);
        const aad = randomBytes(next, aadLen), msg = randomBytes(next, n);
        const expected = gcmsiv(k, nonce, aad).encrypt(msg);
        const key = aesKey(k);
        const mode = key.gcmSiv(nonce, { aad });
        expectBytes(mode.encrypt(msg), expected, `encrypt n=${n} aad=${aadLen}`);
        expectBytes(mode.decrypt(expected), msg, `decrypt n=${n} aad=${aadLen}`);
        key.dispose();
      }
    });
  }

  it(`messages and AAD across the 64 KiB IO window (${backend})`, () => {
    const next = rng(7);
    for (const n of backend === "js" ? [65537] : BIG) {
      const k = randomBytes(next, 32), nonce = randomBytes(next, 12);
      const aad = randomBytes(next, n - 3), msg = randomBytes(next, n);
      const expected = gcmsiv(k, nonce, aad).encrypt(msg);
      const key = aesKey(k);
      const mode = key.gcmSiv(nonce, { aad });
      expectBytes(mode.encrypt(msg), expected, `encrypt ${n}`);
      expectBytes(mode.decrypt(expected), msg, `decrypt ${n}`);
      const out = new Uint8Array(n);
      expectBytes(mode.decrypt(expected, out), msg, `decrypt ${n} result`);
      expectBytes(out, msg, `decrypt ${n} into output`);
      key.dispose();
    }
  });

  it("a repeated nonce gives the same ciphertext (misuse resistance: only equality leaks)", () => {
    const key = aesKey(new Uint8Array(16).fill(3));
    const mode = key.gcmSiv(new Uint8Array(12).fill(9));
    const msg = new Uint8Array(100).fill(1);
    expectBytes(mode.encrypt(msg), mode.encrypt(msg), "twice");
    const other = msg.slice();
    other[99] = 2;
    expect(Buffer.from(mode.encrypt(other)).equals(Buffer.from(mode.encrypt(msg)))).toBe(false);
    key.dispose();
  });

  it("every tampered byte (ciphertext, tag, AAD, nonce) is DecryptionError and the output stays untouched", () => {
    const next = rng(11);
    const k = randomBytes(next, 16), nonce = randomBytes(next, 12), aad = randomBytes(next, 20), msg = randomBytes(next, 40);
    const key = aesKey(k);
    const sealed = key.gcmSiv(nonce, { aad }).encrypt(msg);
    const out = new Uint8Array(40).fill(0xee);
    for (let i = 0; i < sealed.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = sealed.slice();
        bad[i]! ^= bit;
        expect(() => key.gcmSiv(nonce, { aad }).decrypt(bad, out), `byte ${i} bit ${bit}`).toThrow(DecryptionError);
      }
    }
    expect(out.every((b) => b === 0xee)).toBe(true);
    for (let i = 0; i < 12; i++) {
      const n2 = nonce.slice();
      n2[i]! ^= 1;
      expect(() => key.gcmSiv(n2, { aad }).decrypt(sealed)).toThrow(DecryptionError);
    }
    const aad2 = aad.slice();
    aad2[19]! ^= 0x40;
    expect(() => key.gcmSiv(nonce, { aad: aad2 }).decrypt(sealed)).toThrow(DecryptionError);
    expect(() => key.gcmSiv(nonce, { aad }).decrypt(sealed.subarray(0, 15))).toThrow(DecryptionError);
    expect(() => key.gcmSiv(nonce, { aad }).decrypt(sealed.subarray(0, sealed.length - 1))).toThrow(DecryptionError);
    // A big message with a bad tag: no plaintext in the returned buffer or the given output.
    const big = randomBytes(next, 70000);
    const bigSealed = key.gcmSiv(nonce).encrypt(big);
    bigSealed[5]! ^= 1;
    const bigOut = new Uint8Array(70000).fill(0xee);
    expect(() => key.gcmSiv(nonce).decrypt(bigSealed, bigOut)).toThrow(DecryptionError);
    expect(bigOut.every((b) => b === 0xee)).toBe(true);
    key.dispose();
  });

  it("overlapping input and output, both directions", () => {
    const next = rng(13);
    const key = aesKey(randomBytes(next, 32));
    const nonce = randomBytes(next, 12), msg = randomBytes(next, 300);
    const sealed = key.gcmSiv(nonce).encrypt(msg);
    const buf = new Uint8Array(400);
    buf.set(msg);
    expectBytes(key.gcmSiv(nonce).encrypt(buf.subarray(0, 300), buf.subarray(3)), sealed, "encrypt forward overlap");
    const buf2 = new Uint8Array(400);
    buf2.set(sealed);
    expectBytes(key.gcmSiv(nonce).decrypt(buf2.subarray(0, sealed.length), buf2.subarray(1)), msg, "decrypt forward overlap");
    key.dispose();
  });

  it("a polluted Object.prototype.aad is ignored; odd views (offset subarrays, DataView) read the right bytes", () => {
    const next = rng(17);
    const k = randomBytes(next, 16), nonce = randomBytes(next, 12), msg = randomBytes(next, 77);
    const expected = gcmsiv(k, nonce).encrypt(msg);
    const key = aesKey(k);
    (Object.prototype as Record<string, unknown>).aad = new Uint8Array([1, 2, 3]);
    try {
      expectBytes(key.gcmSiv(nonce, {}).encrypt(msg), expected, "inherited aad ignored");
    } finally {
      delete (Object.prototype as Record<string, unknown>).aad;
    }
    const big = new Uint8Array(200);
    big.set(nonce, 3);
    big.set(msg, 101);
    expectBytes(key.gcmSiv(big.subarray(3, 15)).encrypt(big.subarray(101, 178)), expected, "offset views");
    const dv = new DataView(big.buffer, 101, 77);
    expectBytes(key.gcmSiv(nonce).encrypt(dv as unknown as Uint8Array), expected, "a DataView");
    key.dispose();
  });

  it("typed errors: 24-byte key, nonce length, disposed key, short output", () => {
    const k24 = aesKey(new Uint8Array(24));
    expect(() => k24.gcmSiv(new Uint8Array(12))).toThrow(KeyLengthError);
    k24.dispose();
    const key = aesKey(new Uint8Array(16));
    for (const n of [0, 8, 11, 13, 16]) expect(() => key.gcmSiv(new Uint8Array(n))).toThrow(IvLengthError);
    const mode = key.gcmSiv(new Uint8Array(12));
    expect(() => mode.encrypt(new Uint8Array(10), new Uint8Array(25))).toThrow(DataLengthError);
    key.dispose();
    expect(() => mode.encrypt(new Uint8Array(10))).toThrow(DisposedError);
    expect(() => key.gcmSiv(new Uint8Array(12))).toThrow(DisposedError);
  });

  it("gives every slot back and leaves no plaintext in the IO window", () => {
    const key = aesKey(new Uint8Array(16).fill(1));
    const core = key.core;
    const before = core.stats().slotsInUse;
    const msg = new Uint8Array(5000).fill(0x5a);
    const sealed = key.gcmSiv(new Uint8Array(12)).encrypt(msg);
    key.gcmSiv(new Uint8Array(12)).decrypt(sealed);
    expect(core.stats().slotsInUse).toBe(before);
    expect(core.mem.subarray(core.io, core.io + core.ioSize).every((b) => b === 0)).toBe(true);
    key.dispose();
  });
});
