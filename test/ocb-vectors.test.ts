// OCB3 against the official vectors, on both backends: the 16 RFC 7253 Appendix A sample
// results (AES-128, 96-bit nonces, 128-bit tags, as transcribed by pyca/cryptography), each
// encrypted one-shot, streamed byte by byte and through createCipheriv, decrypted back, and
// refused with a flipped tag bit. The transcription has no TAGLEN=96 example and no iterative
// test (test/vectors/rfc7253/README.md); test/ocb.test.ts runs the iteration against
// node:crypto. No node:crypto here, so this file also runs in the browser
// (test/browser/constructions-vectors.browser.test.ts).
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, bytesToHex, createCipheriv, createDecipheriv, DecryptionError, hexToBytes } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { countRecordsInText, field, parseRsp } from "./helpers/rsp.js";

const text = readFileSync(new URL("./vectors/rfc7253/rfc7253.txt", import.meta.url), "utf8");
// No [ENCRYPT] header in the transcription: every record is an encryption.
const records = parseRsp(`[ENCRYPT]\n${text}`);
const samples = records.map((r) => ({
  count: Number(field(r, "COUNT")),
  key: hexToBytes(field(r, "Key")),
  nonce: hexToBytes(field(r, "Nonce")),
  aad: hexToBytes(field(r, "AAD")),
  pt: hexToBytes(field(r, "Plaintext")),
  sealed: field(r, "Ciphertext").toLowerCase(),
}));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

it("RFC 7253 Appendix A: 16 records, none lost by the parser", () => {
  expect(records.length).toBe(countRecordsInText(text));
  expect(samples.map((s) => s.count)).toEqual([...Array(16).keys()]);
});

describeEachBackend("OCB3 RFC 7253 Appendix A (16 AES-128 TAGLEN=128 samples)", () => {
  it("one-shot encrypt gives C || T; decrypt gives P back; a flipped tag bit is DecryptionError", () => {
    let run = 0;
    for (const s of samples) {
      const key = aesKey(s.key);
      const what = `COUNT ${s.count}`;
      expect(bytesToHex(key.ocb(s.nonce, { aad: s.aad }).encrypt(s.pt)), what).toBe(s.sealed);
      const sealed = hexToBytes(s.sealed);
      expect(bytesToHex(key.ocb(s.nonce, { aad: s.aad }).decrypt(sealed)), what).toBe(bytesToHex(s.pt));
      const bad = sealed.slice();
      bad[bad.length - 1]! ^= 1;
      expect(() => key.ocb(s.nonce, { aad: s.aad }).decrypt(bad), what).toThrow(DecryptionError);
      key.dispose();
      run++;
    }
    expect(run).toBe(16);
  });

  it("streaming byte by byte (AAD too) and the createCipheriv facade give the same bytes", () => {
    for (const s of samples) {
      const what = `COUNT ${s.count}`;
      const key = aesKey(s.key);
      const enc = key.ocb(s.nonce).encryptor();
      const parts: Uint8Array[] = [];
      for (let i = 0; i < s.aad.length; i++) enc.setAAD(s.aad.subarray(i, i + 1));
      for (let i = 0; i < s.pt.length; i++) parts.push(enc.update(s.pt.subarray(i, i + 1)));
      parts.push(enc.final(), enc.tag);
      expect(bytesToHex(concat(parts)), what).toBe(s.sealed);
      key.dispose();

      const c = createCipheriv("aes-128-ocb", s.key, s.nonce, { authTagLength: 16 });
      c.setAAD(s.aad);
      expect(bytesToHex(concat([c.update(s.pt), c.final(), c.getAuthTag()])), what).toBe(s.sealed);
      const sealed = hexToBytes(s.sealed);
      const d = createDecipheriv("aes-128-ocb", s.key, s.nonce, { authTagLength: 16 });
      d.setAAD(s.aad);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      expect(bytesToHex(concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()])), what).toBe(bytesToHex(s.pt));
    }
  });
});
