// Every bad input gets its typed error, and no output is returned or left behind.
import { expect, it } from "vitest";
import {
  aesKey, createCipheriv, createDecipheriv, AesError, CounterExhaustedError, DataLengthError, DecryptionError,
  DisposedError, InputTypeError, IvLengthError, IvReuseError, KeyLengthError, StateError, UnknownCipherError,
} from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

const key16 = new Uint8Array(16).fill(1);
const iv = new Uint8Array(16).fill(2);

function throwsTyped(fn: () => unknown, type: new (...a: never[]) => AesError, message?: RegExp): void {
  let caught: unknown;
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    caught = e;
  }
  expect(result, "no output on error").toBeUndefined();
  expect(caught).toBeInstanceOf(type);
  expect(caught).toBeInstanceOf(AesError);
  if (message) expect((caught as Error).message).toMatch(message);
}

describeEachBackend("errors", () => {
  it("wrong key length: aesKey and the facade name the sizes", () => {
    for (const n of [0, 15, 17, 31, 33, 64]) throwsTyped(() => aesKey(new Uint8Array(n)), KeyLengthError, new RegExp(`got ${n}`));
    throwsTyped(() => createCipheriv("aes-256-ctr", new Uint8Array(31), iv), KeyLengthError,
      /key must be 32 bytes for aes-256-\*, got 31/);
    throwsTyped(() => createCipheriv("aes-128-cbc", new Uint8Array(32), iv), KeyLengthError);
  });

  it("wrong IV length, missing IV, IV given to ECB", () => {
    const key = aesKey(key16);
    for (const n of [0, 8, 12, 15, 17, 32]) {
      throwsTyped(() => key.cbc(new Uint8Array(n)), IvLengthError, new RegExp(`got ${n}`));
      throwsTyped(() => key.ctr(new Uint8Array(n)), IvLengthError);
      throwsTyped(() => key.ofb(new Uint8Array(n)), IvLengthError);
      throwsTyped(() => key.cfb(new Uint8Array(n)), IvLengthError);
    }
    throwsTyped(() => createCipheriv("aes-128-cbc", key16, null), IvLengthError);
    throwsTyped(() => createCipheriv("aes-128-ecb", key16, iv), IvLengthError);
    expect(createCipheriv("aes-128-ecb", key16, null).final()).toHaveLength(16);
    key.dispose();
  });

  it("unknown cipher names", () => {
    for (const name of ["aes-128-gcm-x", "aes-512-cbc", "des-ede3-cbc", "", "aes-128", 42]) {
      throwsTyped(() => createCipheriv(name as string, key16, iv), UnknownCipherError);
    }
  });

  it("data not a multiple of 16 with padding off", () => {
    const key = aesKey(key16);
    throwsTyped(() => key.ecb({ padding: "none" }).encrypt(new Uint8Array(17)), DataLengthError, /multiple of 16/);
    throwsTyped(() => key.cbc(iv, { padding: "none" }).decrypt(new Uint8Array(31)), DataLengthError);
    const c = createCipheriv("aes-128-cbc", key16, iv).setAutoPadding(false);
    expect(c.update(new Uint8Array(20))).toHaveLength(16);
    throwsTyped(() => c.final(), DataLengthError);
    // padded ciphertext must be a non-empty multiple of 16
    throwsTyped(() => key.cbc(iv).decrypt(new Uint8Array(0)), DataLengthError);
    throwsTyped(() => key.cbc(iv).decrypt(new Uint8Array(33)), DataLengthError);
    key.dispose();
  });

  it("bad padding: one generic DecryptionError, nothing returned, caller's output untouched", () => {
    const key = aesKey(key16);
    for (const padding of ["pkcs7", "iso9797-m2"] as const) {
      // Encrypt a final block whose plaintext is not a valid pad, without padding.
      const bads = [new Uint8Array(16), new Uint8Array(16).fill(17), Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? 2 : 9))];
      for (const bad of bads) {
        const body = new Uint8Array(32).fill(0x41);
        const plain = new Uint8Array([...body, ...bad]);
        const ct = key.cbc(iv, { padding: "none" }).encrypt(plain);
        const out = new Uint8Array(48).fill(0xcc);
        throwsTyped(() => key.cbc(iv, { padding }).decrypt(ct, out), DecryptionError, /^decryption failed$/);
        expect(out.every((b) => b === 0xcc), "output untouched").toBe(true);
        throwsTyped(() => key.ecb({ padding }).decrypt(key.ecb({ padding: "none" }).encrypt(plain)), DecryptionError);
        const d = createDecipheriv("aes-128-cbc", key16, iv);
        d.update(ct);
        throwsTyped(() => d.final(), DecryptionError);
      }
    }
    key.dispose();
  });

  it("use after final() and after dispose()", () => {
    const c = createCipheriv("aes-128-ctr", key16, iv);
    c.update(new Uint8Array(5));
    c.final();
    throwsTyped(() => c.update(new Uint8Array(1)), StateError);
    throwsTyped(() => c.final(), StateError);

    const key = aesKey(key16);
    const s = key.cbc(iv).encryptor();
    s.update(new Uint8Array(3));
    s.final();
    throwsTyped(() => s.update(new Uint8Array(16)), StateError);

    const mode = key.ctr(iv);
    const live = key.ofb(iv).encryptor();
    key.dispose();
    key.dispose(); // idempotent
    throwsTyped(() => mode.encrypt(new Uint8Array(4)), DisposedError);
    throwsTyped(() => live.update(new Uint8Array(4)), DisposedError);
    throwsTyped(() => key.encryptBlock(new Uint8Array(16)), DisposedError);
    throwsTyped(() => key.cbc(iv).decrypt(new Uint8Array(16)), DisposedError);
  });

  it("inputs that are not bytes", () => {
    const key = aesKey(key16);
    for (const bad of ["text", 12, null, undefined, [1, 2, 3], {}, new ArrayBuffer(16)]) {
      throwsTyped(() => key.ctr(iv).encrypt(bad as unknown as Uint8Array), InputTypeError, /Uint8Array/);
      throwsTyped(() => aesKey(bad as unknown as Uint8Array), InputTypeError);
    }
    // other ArrayBufferViews are fine
    const words = new Uint32Array(8);
    expect(key.ctr(iv).encrypt(words as unknown as Uint8Array)).toHaveLength(32);
    key.dispose();
  });

  it("IV reuse for encryption on one mode object is refused; decryption is not", () => {
    const key = aesKey(key16);
    const mode = key.ctr(iv);
    const ct = mode.encrypt(new Uint8Array(10));
    throwsTyped(() => mode.encrypt(new Uint8Array(10)), IvReuseError);
    throwsTyped(() => mode.encryptor(), IvReuseError);
    expect(mode.decrypt(ct)).toEqual(new Uint8Array(10));
    expect(mode.decrypt(ct)).toEqual(new Uint8Array(10));
    key.dispose();
  });

  it("CTR counter exhaustion: refused before any output, also across streaming calls", () => {
    const key = aesKey(key16);
    // 4-bit counter: 16 blocks (256 bytes) at most
    throwsTyped(() => key.ctr(iv, { counterBits: 4 }).encrypt(new Uint8Array(257)), CounterExhaustedError);
    expect(key.ctr(iv, { counterBits: 4 }).encrypt(new Uint8Array(256))).toHaveLength(256);
    const s = key.ctr(iv, { counterBits: 4 }).encryptor();
    expect(s.update(new Uint8Array(250))).toHaveLength(250);
    throwsTyped(() => s.update(new Uint8Array(7)), CounterExhaustedError);
    expect(s.update(new Uint8Array(6))).toHaveLength(6); // exactly the last block's rest
    throwsTyped(() => s.update(new Uint8Array(1)), CounterExhaustedError);
    throwsTyped(() => key.ctr(iv, { maxBlocks: 2 }).encrypt(new Uint8Array(33)), CounterExhaustedError);
    throwsTyped(() => key.ctr(iv, { counterBits: 0 }), StateError);
    throwsTyped(() => key.ctr(iv, { counterBits: 129 }), StateError);
    key.dispose();
  });

  it("output buffer too small", () => {
    const key = aesKey(key16);
    throwsTyped(() => key.cbc(iv).encrypt(new Uint8Array(16), new Uint8Array(16)), DataLengthError, /needs 32/);
    throwsTyped(() => key.ctr(iv).encrypt(new Uint8Array(5), new Uint8Array(4)), DataLengthError);
    key.dispose();
  });
});
