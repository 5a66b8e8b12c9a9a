// Padding schemes: PKCS#7 against node:crypto; ISO/IEC 9797-1 method 2 against its definition
// (0x80 then zeros, always at least one byte); round trips at every tail length; the
// (constant-time) unpadding checks against plainly written definitions on every boundary.
import { createCipheriv as nodeCipher } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aesKey, bytesToHex, DecryptionError } from "../src/index.js";
import { unpaddedLength, unpaddedLengthAt } from "../src/padding.js";
import { describeEachBackend } from "./helpers/backends.js";
import { randomBytes, rng } from "./helpers/random.js";

const keyBytes = Uint8Array.from({ length: 16 }, (_, i) => i * 3);
const iv = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);

describeEachBackend("padding", () => {
  it("pkcs7 matches node:crypto for lengths 0..48 (ECB and CBC)", () => {
    const key = aesKey(keyBytes);
    for (let n = 0; n <= 48; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => i);
      for (const [mode, name, v] of [["cbc", "aes-128-cbc", iv], ["ecb", "aes-128-ecb", null]] as const) {
        const c = nodeCipher(name, keyBytes, v);
        const expected = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
        const m = mode === "cbc" ? key.cbc(iv) : key.ecb();
        expect(m.encrypt(data), `${mode} ${n}`).toEqual(expected);
        expect(m.decrypt(expected)).toEqual(data);
      }
    }
    key.dispose();
  });

  it("iso9797-m2: 0x80 then zeros, checked by decrypting without padding", () => {
    const key = aesKey(keyBytes);
    for (let n = 0; n <= 40; n++) {
      const data = Uint8Array.from({ length: n }, () => 0x80); // data may itself end in 0x80
      const ct = key.cbc(iv, { padding: "iso9797-m2" }).encrypt(data);
      expect(ct.length).toBe(n - (n % 16) + 16);
      const raw = key.cbc(iv, { padding: "none" }).decrypt(ct);
      const expected = new Uint8Array(ct.length);
      expected.set(data);
      expected[n] = 0x80;
      expect(raw, `raw ${n}`).toEqual(expected);
      expect(key.cbc(iv, { padding: "iso9797-m2" }).decrypt(ct)).toEqual(data);
      // streamed, byte by byte
      const s = key.cbc(iv, { padding: "iso9797-m2" }).decryptor();
      const parts = [...ct].map((b) => s.update(Uint8Array.of(b)));
      parts.push(s.final());
      expect(Uint8Array.from(parts.flatMap((p) => [...p]))).toEqual(data);
    }
    key.dispose();
  });

  it("none: exact multiples pass through unchanged in length", () => {
    const key = aesKey(keyBytes);
    const data = new Uint8Array(64).fill(9);
    expect(key.ecb({ padding: "none" }).encrypt(data)).toHaveLength(64);
    key.dispose();
  });
});

// The unpadding functions against their definitions written plainly here (loops that stop
// early, reads at the marker's index: the obvious code, not the constant-time one), on every
// last-byte value, every pad length, every position and value of a wrong pad byte, every
// marker position and value, and random blocks; then through the ECB/CBC decrypt paths that
// call them (one-shot in the IO window, and streaming).

/** PKCS#7 by its definition: the last byte p is 1..16 and the last p bytes equal p. */
function pkcs7Definition(b: Uint8Array): number {
  const p = b[15]!;
  if (p < 1 || p > 16) return -1;
  for (let i = 16 - p; i < 16; i++) if (b[i] !== p) return -1;
  return 16 - p;
}

/** ISO/IEC 9797-1 method 2 by its definition: the last non-zero byte is 0x80, at the length. */
function isoDefinition(b: Uint8Array): number {
  let i = 15;
  while (i >= 0 && b[i] === 0) i--;
  return i >= 0 && b[i] === 0x80 ? i : -1;
}

/** The blocks the checks are tried on: every structured case, then random ones. */
function* pkcs7Blocks(): Generator<Uint8Array> {
  const next = rng(9797);
  for (let p = 0; p < 256; p++) {
    for (let run = 1; run <= 16; run++) {
      // the last `run` bytes are p, the rest random (or p - 1 / p + 1 next to the run)
      const b = randomBytes(next, 16);
      b.fill(p, 16 - run);
      yield b;
      const c = b.slice();
      if (run < 16) c[15 - run] = (p + 1) & 0xff;
      yield c;
    }
  }
  for (let p = 1; p <= 16; p++) {
    for (let pos = 0; pos < 16; pos++) {
      for (let v = 0; v < 256; v++) {
        const b = randomBytes(next, 16);
        b.fill(p, 16 - p);
        b[pos] = v; // wrong inside the pad unless v == p; outside it, any value is fine
        yield b;
      }
    }
  }
  for (let k = 0; k < 20000; k++) {
    const b = randomBytes(next, 16);
    if (k % 2 === 0) b.fill(b[15]! & 15 || 16, 16 - ((b[14]! & 15) + 1)); // often valid-looking
    yield b;
  }
}

function* isoBlocks(): Generator<Uint8Array> {
  const next = rng(5649);
  yield new Uint8Array(16);
  for (let m = 0; m < 16; m++) {
    for (let v = 0; v < 256; v++) {
      for (const prefix of ["random", "zeros", "0x80"] as const) {
        const b = prefix === "random" ? randomBytes(next, 16) : new Uint8Array(16).fill(prefix === "zeros" ? 0 : 0x80);
        b[m] = v;
        b.fill(0, m + 1);
        yield b;
        // a non-zero byte after the marker, at every later position
        for (let j = m + 1; j < 16; j++) {
          const c = b.slice();
          c[j] = 1 + ((v + j) % 255);
          yield c;
        }
      }
    }
  }
  for (let k = 0; k < 20000; k++) {
    const b = randomBytes(next, 16);
    const m = b[0]! & 15;
    if (k % 2 === 0) {
      b[m] = 0x80;
      b.fill(0, m + 1);
    }
    yield b;
  }
}

describe("unpaddedLength against the definitions", () => {
  it("pkcs7: every last byte, pad length, wrong byte position and value, random blocks", () => {
    let valid = 0, invalid = 0;
    const seenLengths = new Set<number>();
    for (const b of pkcs7Blocks()) {
      const want = pkcs7Definition(b);
      const got = unpaddedLength("pkcs7", b);
      if (got !== want) expect.fail(`pkcs7 ${bytesToHex(b)}: got ${got}, want ${want}`);
      // the same block at an offset inside a larger buffer (the IO-window path)
      const buf = new Uint8Array(48).fill(0x5a);
      buf.set(b, 17);
      if (unpaddedLengthAt("pkcs7", buf, 17) !== want) expect.fail(`pkcs7 at 17: ${bytesToHex(b)}`);
      if (want < 0) invalid++;
      else {
        valid++;
        seenLengths.add(want);
      }
    }
    expect(seenLengths.size).toBe(16); // data lengths 0..15 all occur
    expect(valid).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(1000);
  });

  it("iso9797-m2: every marker position and value, bytes after it, all-zero, random blocks", () => {
    let valid = 0, invalid = 0;
    const seenLengths = new Set<number>();
    for (const b of isoBlocks()) {
      const want = isoDefinition(b);
      const got = unpaddedLength("iso9797-m2", b);
      if (got !== want) expect.fail(`iso ${bytesToHex(b)}: got ${got}, want ${want}`);
      const buf = new Uint8Array(40).fill(0x80);
      buf.set(b, 3);
      if (unpaddedLengthAt("iso9797-m2", buf, 3) !== want) expect.fail(`iso at 3: ${bytesToHex(b)}`);
      if (want < 0) invalid++;
      else {
        valid++;
        seenLengths.add(want);
      }
    }
    expect(seenLengths.size).toBe(16);
    expect(valid).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(1000);
  });

  it("returns exactly -1 or 0..15 (callers test n < 0)", () => {
    for (const b of [new Uint8Array(16), new Uint8Array(16).fill(16), new Uint8Array(16).fill(255), Uint8Array.of(...new Uint8Array(15), 0x80)]) {
      for (const p of ["pkcs7", "iso9797-m2"] as const) {
        const n = unpaddedLength(p, b);
        expect(n === -1 || (Number.isInteger(n) && n >= 0 && n <= 15), `${p} ${bytesToHex(b)} -> ${n}`).toBe(true);
      }
    }
  });
});

describeEachBackend("unpadding through decryption", (backend) => {
  // Last blocks chosen around every boundary: valid pads of each length, one byte wrong at
  // each pad position, p = 0 and p = 17, a marker at each position, a non-zero byte after it.
  function lastBlocks(padding: "pkcs7" | "iso9797-m2"): Uint8Array[] {
    const next = rng(padding === "pkcs7" ? 7 : 2);
    const out: Uint8Array[] = [];
    if (padding === "pkcs7") {
      for (let p = 0; p <= 17; p++) {
        const b = randomBytes(next, 16);
        b.fill(p, Math.max(0, 16 - p));
        out.push(b);
        for (let pos = Math.max(0, 16 - p); pos < 15 && p >= 1 && p <= 16; pos++) {
          const c = b.slice();
          c[pos] ^= 1 << (pos & 7);
          out.push(c);
        }
      }
    } else {
      out.push(new Uint8Array(16));
      for (let m = 0; m < 16; m++) {
        const b = randomBytes(next, 16);
        b[m] = 0x80;
        b.fill(0, m + 1);
        out.push(b);
        const c = b.slice();
        c[m] = 0x81;
        out.push(c);
        if (m < 15) {
          const d = b.slice();
          d[15] = 0x80; // now the marker is byte 15: valid, length 15
          out.push(d);
          const e = b.slice();
          e[15] = 1;
          out.push(e);
        }
      }
    }
    return out;
  }

  for (const padding of ["pkcs7", "iso9797-m2"] as const) {
    it(`${padding}: ECB and CBC, one-shot and streamed, 1 and 3 blocks: data or DecryptionError as defined`, () => {
      const key = aesKey(keyBytes);
      const define = padding === "pkcs7" ? pkcs7Definition : isoDefinition;
      for (const last of lastBlocks(padding)) {
        for (const blocks of [1, 3]) {
          const plain = new Uint8Array(16 * blocks).fill(0x33);
          plain.set(last, 16 * (blocks - 1));
          const want = define(last);
          for (const mode of ["ecb", "cbc"] as const) {
            const m = (p: "none" | typeof padding) => (mode === "ecb" ? key.ecb({ padding: p }) : key.cbc(iv, { padding: p }));
            const ct = m("none").encrypt(plain);
            const where = `${backend} ${mode} ${blocks} ${bytesToHex(last)}`;
            const oneShot = tryDecrypt(() => m(padding).decrypt(ct));
            const s = m(padding).decryptor();
            const streamed = tryDecrypt(() => {
              const a = s.update(ct);
              const b = s.final();
              return Uint8Array.of(...a, ...b);
            });
            for (const got of [oneShot, streamed]) {
              if (want < 0) expect(got, where).toBeInstanceOf(DecryptionError);
              else expect(got, where).toEqual(plain.subarray(0, 16 * (blocks - 1) + want));
            }
          }
        }
      }
      key.dispose();
    });
  }
});

function tryDecrypt(f: () => Uint8Array): Uint8Array | Error {
  try {
    return f();
  } catch (e) {
    return e as Error;
  }
}
