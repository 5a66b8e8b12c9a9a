// Differential tests against node:crypto (OpenSSL): every cipher name and key size, both
// directions, random keys, IVs and lengths, random split points across update(), separate and
// in-place output, CTR counter blocks at the wrap.
import { createCipheriv as nodeCipher, createDecipheriv as nodeDecipher } from "node:crypto";
import { expect, it } from "vitest";
import { CIPHER_NAMES, createCipheriv, createDecipheriv, aesKey } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { randomBytes, randomSplits, rng } from "./helpers/random.js";
import { concat, expectBytes } from "./helpers/bytes.js";

function nodeRun(name: string, encrypt: boolean, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, pad = true) {
  const c = encrypt ? nodeCipher(name, key, iv) : nodeDecipher(name, key, iv);
  c.setAutoPadding(pad);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

describeEachBackend("node:crypto differential", (backend) => {
  for (const name of CIPHER_NAMES) {
    const [, bitsText, mode] = name.split("-");
    const bits = Number(bitsText);
    const slow = mode === "cfb1" || mode === "cfb8";
    // The reference backend is ~100x slower; per-bit/per-byte modes get shorter inputs there.
    const maxLen = backend === "js" ? (slow ? 700 : 8000) : slow ? 9000 : 70000;
    const seed = bits * 1000 + name.length * 7 + (backend === "js" ? 1 : 0);

    it(`${name}: random lengths 0..${maxLen} and split points, both directions (seed ${seed})`, () => {
      const next = rng(seed);
      const lengths = [0, 1, 15, 16, 17, 31, 32, 33, maxLen];
      for (let i = 0; i < 6; i++) lengths.push(Math.floor(next() * maxLen));
      for (const len of lengths) {
        const key = randomBytes(next, bits / 8);
        const iv = mode === "ecb" ? null : randomBytes(next, 16);
        const padded = mode === "ecb" || mode === "cbc";
        for (const pad of padded ? [true, false] : [true]) {
          const plain = randomBytes(next, pad ? len : len - (len % 16));
          const expected = nodeRun(name, true, key, iv, plain, pad);

          const enc = createCipheriv(name, key, iv);
          enc.setAutoPadding(pad);
          const parts = randomSplits(next, plain.length);
          let off = 0;
          const out: Uint8Array[] = [];
          for (const n of parts) {
            out.push(enc.update(plain.subarray(off, off + n)));
            off += n;
          }
          out.push(enc.final());
          expectBytes(concat(out), expected, `encrypt len ${plain.length} pad ${pad}`);

          const dec = createDecipheriv(name, key, iv);
          dec.setAutoPadding(pad);
          const back: Uint8Array[] = [];
          off = 0;
          for (const n of randomSplits(next, expected.length)) {
            back.push(dec.update(expected.subarray(off, off + n)));
            off += n;
          }
          back.push(dec.final());
          expectBytes(concat(back), plain, `decrypt len ${expected.length} pad ${pad}`);
        }
      }
    });
  }

  it("one-shot mode objects: separate output buffer and in place", () => {
    const next = rng(77);
    for (const bits of [128, 192, 256]) {
      const keyBytes = randomBytes(next, bits / 8);
      const key = aesKey(keyBytes);
      const len = 1 + Math.floor(next() * (backend === "js" ? 3000 : 40000));
      const iv = randomBytes(next, 16);
      const plain = randomBytes(next, len);
      const cases: [string, () => { encrypt(d: Uint8Array, o?: Uint8Array): Uint8Array; decrypt(d: Uint8Array, o?: Uint8Array): Uint8Array }][] = [
        [`aes-${bits}-ctr`, () => key.ctr(iv)],
        [`aes-${bits}-ofb`, () => key.ofb(iv)],
        [`aes-${bits}-cfb`, () => key.cfb(iv)],
        [`aes-${bits}-cbc`, () => key.cbc(iv)],
      ];
      for (const [name, make] of cases) {
        const expected = nodeRun(name, true, keyBytes, iv, plain);
        expectBytes(make().encrypt(plain), expected, `${name} new buffer`);
        // caller's output buffer, larger than needed: only the returned view is written
        const big = new Uint8Array(expected.length + 40).fill(0xee);
        const view = make().encrypt(plain, big);
        expectBytes(view, expected);
        expect(view.buffer).toBe(big.buffer);
        expect(big.subarray(expected.length).every((b) => b === 0xee)).toBe(true);
        // in place: output is the input buffer (room for padding included)
        const buf = new Uint8Array(expected.length);
        buf.set(plain);
        make().encrypt(buf.subarray(0, plain.length), buf);
        expectBytes(buf, expected);
        const dec = make().decrypt(buf, buf);
        expectBytes(dec, plain);
      }
      key.dispose();
    }
  });

  it("one-shot ECB/CBC with every padding, short messages and both sides of the 64 KiB IO window", () => {
    const next = rng(2024);
    const keyBytes = randomBytes(next, 16);
    const iv = randomBytes(next, 16);
    const key = aesKey(keyBytes);
    // 65520 + a pad fits the window (one kernel call there), 65536 + a pad does not (streamed).
    const big = backend === "js" ? [65520, 65536, 65552] : [65504, 65519, 65520, 65521, 65535, 65536, 65537, 65552];
    const lengths = [...Array.from({ length: 50 }, (_, i) => i), ...big];
    for (const padding of ["pkcs7", "iso9797-m2", "none"] as const) {
      for (const mode of ["ecb", "cbc"] as const) {
        const make = () => (mode === "ecb" ? key.ecb({ padding }) : key.cbc(iv, { padding }));
        for (const len of lengths) {
          if (padding === "none" && len % 16 !== 0) continue;
          const plain = randomBytes(next, len);
          // The padded plaintext, built here, encrypted by node:crypto with its padding off.
          const n = padding === "none" ? 0 : 16 - (len % 16);
          const padded = new Uint8Array(len + n);
          padded.set(plain);
          if (padding === "pkcs7") padded.fill(n, len);
          else if (padding === "iso9797-m2") padded[len] = 0x80;
          const expected = nodeRun(`aes-128-${mode}`, true, keyBytes, mode === "ecb" ? null : iv, padded, false);
          const what = `${mode} ${padding} ${len}`;
          const ct = make().encrypt(plain);
          expectBytes(ct, expected, what);
          expectBytes(make().decrypt(ct), plain, `${what} decrypt`);
          const out = new Uint8Array(ct.length + 3).fill(0xee);
          const view = make().decrypt(ct, out);
          expectBytes(view, plain, `${what} decrypt into a buffer`);
          expect(view.buffer).toBe(out.buffer);
        }
      }
    }
    key.dispose();
  });

  it("CTR at the counter wrap matches node (ff..ff, 00..00ff..fe, ff..f0)", () => {
    const next = rng(5);
    const ivs = ["ffffffffffffffffffffffffffffffff", "0000000000000000fffffffffffffffe", "fffffffffffffffffffffffffffffff0",
      "00000000000000000000000000000000", "0102030405060708ffffffffffffffff"];
    for (const bits of [128, 192, 256]) {
      for (const hex of ivs) {
        const iv = Uint8Array.from(Buffer.from(hex, "hex"));
        const keyBytes = randomBytes(next, bits / 8);
        const plain = randomBytes(next, 16 * 40 + 5);
        const expected = nodeRun(`aes-${bits}-ctr`, true, keyBytes, iv, plain);
        const key = aesKey(keyBytes);
        expectBytes(key.ctr(iv).encrypt(plain), expected, `${bits} ${hex}`);
        key.dispose();
      }
    }
  });
  it("mode objects copy the IV: changing the caller's buffer (a pooled Buffer too) changes nothing", () => {
    const keyBytes = Buffer.alloc(16, 3);
    const key = aesKey(keyBytes);
    const data = new Uint8Array(40).fill(7);
    for (const name of ["cbc", "cfb", "ofb", "ctr"] as const) {
      const iv = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex"); // may be a view into Node's pool
      const expected = nodeRun(`aes-128-${name}`, true, keyBytes, iv, data);
      const mode = name === "cbc" ? key.cbc(iv) : name === "cfb" ? key.cfb(iv) : name === "ofb" ? key.ofb(iv) : key.ctr(iv);
      iv.fill(0xff);
      expectBytes(mode.encrypt(data), expected, name);
    }
    key.dispose();
  });

  it("createCipheriv/createDecipheriv take the key and IV at creation: changing the caller's buffers afterwards changes nothing", () => {
    const data = randomBytes(rng(77), 53);
    for (const name of CIPHER_NAMES) {
      const ivLength = name.endsWith("-ecb") ? 0 : 16;
      const keyBytes = Buffer.from(randomBytes(rng(name.length), Number(name.split("-")[1]) / 8));
      const iv = ivLength ? Buffer.from(randomBytes(rng(name.length + 1), 16)) : null;
      const expected = nodeRun(name, true, keyBytes, iv, data);
      const c = createCipheriv(name, keyBytes, iv);
      keyBytes.fill(0xee);
      iv?.fill(0xff);
      const ct = concat([c.update(data), c.final()]);
      expectBytes(ct, expected, name);
      // and back, with the original key and IV restored only for the reference
      const keyAgain = Buffer.from(randomBytes(rng(name.length), keyBytes.length));
      const ivAgain = ivLength ? Buffer.from(randomBytes(rng(name.length + 1), 16)) : null;
      const d = createDecipheriv(name, keyAgain, ivAgain);
      keyAgain.fill(0);
      ivAgain?.fill(0);
      expectBytes(concat([d.update(ct), d.final()]), data, `${name} decrypt`);
    }
  });
});
