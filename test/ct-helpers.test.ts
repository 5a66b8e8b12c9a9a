// The constant-time rewrites of the helpers that touch key material, against plainly written
// definitions: hex (bytesToHex / hexToBytes / decodeHex and the CLI's key parsing), base64url
// (JWK `k`), and the RFC 5649 MLI and padding check of AES-KWP at every boundary. Every byte
// value, every character code 0..0xffff as a digit, the same error classes and messages.
import { createCipheriv } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aesKey, bytesToHex, DecryptionError, hexToBytes, InputTypeError } from "../src/index.js";
import { decodeHex } from "../src/bytes.js";
import { base64url, fromBase64url } from "../src/subtle/jwk.js";
import { DataError } from "../src/subtle/errors.js";
import { hexOption, readKey } from "../src/cli/keys.js";
import { UsageError } from "../src/cli/errors.js";
import { describeEachBackend } from "./helpers/backends.js";
import { randomBytes, rng } from "./helpers/random.js";

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const HEX_DIGITS = "0123456789abcdefABCDEF";
const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The value of a hex digit by lookup (the definition), or -1. */
function hexDefinition(ch: string): number {
  const i = HEX_DIGITS.indexOf(ch);
  return i < 0 ? -1 : i < 16 ? i : i - 6;
}

function thrown(f: () => unknown): Error | undefined {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

describe("hex", () => {
  it("bytesToHex: every byte value at every position matches Buffer's hex; lengths 0..40 and 10000", () => {
    expect(bytesToHex(ALL_BYTES)).toBe(Buffer.from(ALL_BYTES).toString("hex"));
    const next = rng(16);
    for (let n = 0; n <= 40; n++) {
      const b = randomBytes(next, n);
      expect(bytesToHex(b)).toBe(Buffer.from(b).toString("hex"));
    }
    const big = randomBytes(next, 10000); // more than one 4096-byte chunk
    expect(bytesToHex(big)).toBe(Buffer.from(big).toString("hex"));
    expect(bytesToHex(new Uint8Array(0))).toBe("");
  });

  it("hexToBytes: round trip of all 256 values, lower and upper case and mixed", () => {
    const h = bytesToHex(ALL_BYTES);
    expect(hexToBytes(h)).toEqual(ALL_BYTES);
    expect(hexToBytes(h.toUpperCase())).toEqual(ALL_BYTES);
    const mixed = [...h].map((c, i) => (i % 3 === 0 ? c.toUpperCase() : c)).join("");
    expect(hexToBytes(mixed)).toEqual(ALL_BYTES);
    expect(hexToBytes("")).toEqual(new Uint8Array(0));
  });

  it("every character code 0..0xffff, as the high and as the low digit: valid exactly for 0-9a-fA-F", () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const v = hexDefinition(ch);
      for (const [s, want] of [[ch + "7", (v << 4) | 7], ["7" + ch, 0x70 | v]] as const) {
        if (v < 0) {
          const e = thrown(() => hexToBytes(s));
          if (!(e instanceof InputTypeError) || e.message !== "hex must have an even number of digits 0-9a-f") {
            expect.fail(`char ${c}: ${String(e)}`);
          }
        } else if (hexToBytes(s)[0] !== want) expect.fail(`char ${c}: got ${hexToBytes(s)[0]}, want ${want}`);
      }
    }
  });

  it("decodeHex on bytes (a key file): every byte value as a digit; null for odd length or a bad digit", () => {
    for (let c = 0; c < 256; c++) {
      const v = hexDefinition(String.fromCharCode(c));
      const got = decodeHex(Uint8Array.of(c, 0x30));
      if (v < 0) expect(got, `byte ${c}`).toBeNull();
      else expect(got, `byte ${c}`).toEqual(Uint8Array.of(v << 4));
    }
    expect(decodeHex(new TextEncoder().encode(bytesToHex(ALL_BYTES)))).toEqual(ALL_BYTES);
    expect(decodeHex("abc")).toBeNull();
    expect(decodeHex(Uint8Array.of(0x30))).toBeNull();
    // a bad digit at the very end, after many good ones: still refused
    expect(decodeHex("00".repeat(100) + "0g")).toBeNull();
    expect(decodeHex("g0" + "00".repeat(100))).toBeNull();
  });

  it("errors: same classes and messages as before", () => {
    for (const bad of ["0", "abc", "0g", "zz", " 00", "00 ", "0x00", "é0", "\u{1f600}"]) {
      const e = thrown(() => hexToBytes(bad));
      expect(e, bad).toBeInstanceOf(InputTypeError);
      expect(e!.message).toBe("hex must have an even number of digits 0-9a-f");
    }
    const e = thrown(() => hexToBytes(12 as unknown as string));
    expect(e).toBeInstanceOf(InputTypeError);
    expect(e!.message).toBe("hex must be a string, got number");
  });
});

describe("CLI key and hex options", () => {
  const dir = mkdtempSync(join(tmpdir(), "aes-wasm-ct-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

  it("--key hex (either case) decodes; a bad digit or odd length is the same UsageError", () => {
    const h = bytesToHex(key);
    expect(readKey({ key: h }, 32)).toEqual(key);
    expect(readKey({ key: h.toUpperCase() }, 32)).toEqual(key);
    for (const bad of [h.slice(1), h.slice(0, -1) + "g", "x" + h.slice(1)]) {
      const e = thrown(() => readKey({ key: bad }, 32));
      expect(e).toBeInstanceOf(UsageError);
      expect(e!.message).toBe("--key must be hex digits (an even number of 0-9a-f)");
    }
  });

  it("hexOption: decodes, checks the length, reports bad digits as before", () => {
    expect(hexOption("iv", "00ff".repeat(8), 16)).toEqual(Uint8Array.from({ length: 16 }, (_, i) => (i % 2 ? 255 : 0)));
    expect(thrown(() => hexOption("iv", "00", 16))!.message).toBe("--iv must be 16 bytes (32 hex digits), got 1");
    expect(thrown(() => hexOption("aad", "0g"))!.message).toBe('--aad must be hex digits (an even number of 0-9a-f), got "0g"');
    expect(thrown(() => hexOption("aad", "000"))).toBeInstanceOf(UsageError);
  });

  it("key file: hex with or without a newline, raw bytes, and hex-looking bytes that are not hex", () => {
    const h = bytesToHex(key);
    const cases: [string, Uint8Array | string, Uint8Array | null][] = [
      ["hex", h, key],
      ["hex-lf", h.toUpperCase() + "\n", key],
      ["hex-crlf", h + "\r\n", key],
      ["raw", key, key],
      ["bad-hex", h.slice(0, -1) + "z", null],
      ["raw-hexlike", "0123456789abcdef0123456789abcdef", new TextEncoder().encode("0123456789abcdef0123456789abcdef")],
    ];
    for (const [name, content, want] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      if (want === null) expect(thrown(() => readKey({ "key-file": file }, 32)), name).toBeInstanceOf(UsageError);
      else expect(readKey({ "key-file": file }, 32), name).toEqual(want);
    }
  });
});

/** base64url decoding by its definition (the alphabet by lookup), or null for invalid input. */
function fromBase64urlDefinition(s: string): Uint8Array | null {
  if (s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let bits = 0, acc = 0, o = 0;
  for (const ch of s) {
    const v = B64_ALPHABET.indexOf(ch);
    if (ch.length !== 1 || v < 0) return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

describe("base64url (JWK k)", () => {
  it("encodes every byte value in every position of a 3-byte group as Buffer does, lengths 0..64", () => {
    for (let shift = 0; shift < 3; shift++) {
      const b = new Uint8Array(256 + shift);
      b.set(ALL_BYTES, shift);
      expect(base64url(b)).toBe(Buffer.from(b).toString("base64url"));
      expect(fromBase64url(base64url(b))).toEqual(b);
    }
    const next = rng(4648);
    for (let n = 0; n <= 64; n++) {
      const b = randomBytes(next, n);
      const s = base64url(b);
      expect(s).toBe(Buffer.from(b).toString("base64url"));
      expect(fromBase64url(s)).toEqual(b);
    }
    const big = randomBytes(next, 20000); // more than one 8192-character chunk
    expect(base64url(big)).toBe(Buffer.from(big).toString("base64url"));
  });

  it("every sextet 0..63 encodes to its alphabet character and back", () => {
    for (let v = 0; v < 64; v++) {
      // one byte v << 2 gives two characters, the first is sextet v
      const s = base64url(Uint8Array.of(v << 2));
      expect(s[0], `sextet ${v}`).toBe(B64_ALPHABET[v]);
      expect(fromBase64url(B64_ALPHABET[v]! + "A")).toEqual(Uint8Array.of(v << 2));
    }
  });

  it("every character code 0..0xffff at each position of a 4-character group: valid exactly for the alphabet", () => {
    for (let c = 0; c <= 0xffff; c++) {
      const chars = ["Q", "k", "7", "_"];
      chars[c % 4] = String.fromCharCode(c);
      const s = chars.join("") + "AB";
      const want = fromBase64urlDefinition(s);
      if (want === null) {
        const e = thrown(() => fromBase64url(s));
        if (!(e instanceof DataError) || e.message !== "JWK k is not base64url") expect.fail(`char ${c}: ${String(e)}`);
      } else {
        const got = fromBase64url(s);
        if (bytesToHex(got) !== bytesToHex(want)) expect.fail(`char ${c}: ${bytesToHex(got)} vs ${bytesToHex(want)}`);
      }
    }
  });

  it("lengths: 4k+1 refused, 4k+2 and 4k+3 decode (trailing bits ignored, as before), '=' refused", () => {
    for (const s of ["A", "AAAAA", "=", "AA==", "AAA=", "AA AA", "+/AA", "AAAA\n"]) {
      const e = thrown(() => fromBase64url(s));
      expect(e, JSON.stringify(s)).toBeInstanceOf(DataError);
      expect(e!.message).toBe("JWK k is not base64url");
    }
    expect(fromBase64url("")).toEqual(new Uint8Array(0));
    expect(fromBase64url("AB")).toEqual(Uint8Array.of(0)); // non-zero trailing bits, tolerated as before
    expect(fromBase64url("AAB")).toEqual(Uint8Array.of(0, 0));
    expect(fromBase64url("_-8")).toEqual(fromBase64urlDefinition("_-8"));
    const next = rng(7518);
    for (let k = 0; k < 2000; k++) {
      const n = Math.floor(next() * 50);
      let s = "";
      for (let i = 0; i < n; i++) s += B64_ALPHABET[Math.floor(next() * 64)];
      const want = fromBase64urlDefinition(s);
      if (want === null) expect(thrown(() => fromBase64url(s)), s).toBeInstanceOf(DataError);
      else expect(fromBase64url(s), s).toEqual(want);
    }
  });
});

// AES-KWP unwrapping at the RFC 5649 §3 boundaries: the wrapped values are made here with
// node:crypto (id-aes128-wrap with the chosen 8-byte A as its IV is the wrapping function W;
// AES-ECB of A | P for one 64-bit block), for every MLI around 8(n-1) and 8n, MLIs that are
// valid in their low bits only (bit 31, bit 24, bit 16, bit 8 set), every amount of non-zero
// data before the zero padding, and each ICV byte wrong. The verdict is the definition's.
function wrapWithA(kek: Uint8Array, a: Uint8Array, p: Uint8Array): Uint8Array {
  if (p.length === 8) {
    const c = createCipheriv("aes-128-ecb", kek, null).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([c.update(Buffer.concat([a, p])), c.final()]));
  }
  const c = createCipheriv("id-aes128-wrap", kek, a);
  return new Uint8Array(Buffer.concat([c.update(p), c.final()]));
}

/** RFC 5649 §3 by its definition: the key data, or null. */
function kwpDefinition(a: Uint8Array, p: Uint8Array): Uint8Array | null {
  if (a[0] !== 0xa6 || a[1] !== 0x59 || a[2] !== 0x59 || a[3] !== 0xa6) return null;
  const mli = new DataView(a.buffer, a.byteOffset).getUint32(4);
  if (!(mli > p.length - 8 && mli <= p.length)) return null;
  for (let i = mli; i < p.length; i++) if (p[i] !== 0) return null;
  return p.slice(0, mli);
}

describeEachBackend("AES-KWP: MLI and padding boundaries", (backend) => {
  it("every MLI near 8(n-1) and 8n, high-bit MLIs, every data length, each ICV byte: as defined", () => {
    const kek = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const key = aesKey(kek);
    const kwp = key.kwp();
    const next = rng(5649);
    let valid = 0, invalid = 0;
    for (let n = 1; n <= (backend === "js" ? 3 : 4); n++) {
      const len = 8 * n;
      const mlis = new Set<number>();
      for (let m = 0; m <= len + 9; m++) mlis.add(m);
      for (const base of [len - 7, len - 1, len]) {
        for (const high of [2 ** 31, 2 ** 24, 2 ** 16, 2 ** 8]) mlis.add(base + high);
      }
      for (const m of [2 ** 31 - 1, 2 ** 32 - 1, 2 ** 32 - 8, 0xffffff00 + len]) mlis.add(m);
      for (let data = 0; data <= len; data++) {
        // `data` non-zero bytes (never zero, so the padding boundary is exact), then zeros
        const p = new Uint8Array(len);
        for (let i = 0; i < data; i++) p[i] = 1 + Math.floor(next() * 255);
        for (const mli of mlis) {
          for (let icvWrong = -1; icvWrong < 4; icvWrong++) {
            if (icvWrong >= 0 && (mli !== len || data !== len)) continue; // ICV checks on one valid MLI
            const a = Uint8Array.of(0xa6, 0x59, 0x59, 0xa6, 0, 0, 0, 0);
            new DataView(a.buffer).setUint32(4, mli);
            if (icvWrong >= 0) a[icvWrong]! ^= 0x10;
            const want = kwpDefinition(a, p);
            const wrapped = wrapWithA(kek, a, p);
            let got: Uint8Array | Error;
            try {
              got = kwp.unwrap(wrapped);
            } catch (e) {
              got = e as Error;
            }
            const where = `n=${n} data=${data} mli=${mli} icvWrong=${icvWrong}`;
            if (want === null) {
              if (!(got instanceof DecryptionError)) expect.fail(`${where}: got ${String(got instanceof Error ? got : bytesToHex(got))}`);
              invalid++;
            } else {
              if (got instanceof Error || bytesToHex(got) !== bytesToHex(want)) expect.fail(`${where}: got ${String(got)}`);
              valid++;
            }
          }
        }
      }
    }
    expect(valid).toBeGreaterThan(50);
    expect(invalid).toBeGreaterThan(500);
    key.dispose();
  });

  it("our wrap of every length 1..40 unwraps to the same bytes (data ending in zero bytes too)", () => {
    const key = aesKey(Uint8Array.from({ length: 32 }, (_, i) => 255 - i));
    const next = rng(40);
    for (let len = 1; len <= 40; len++) {
      for (const tailZeros of [0, 1, 7]) {
        const data = randomBytes(next, len);
        data.fill(0, Math.max(0, len - tailZeros));
        expect(key.kwp().unwrap(key.kwp().wrap(data)), `${len}/${tailZeros}`).toEqual(data);
      }
    }
    key.dispose();
  });
});
