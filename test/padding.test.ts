// Padding schemes: PKCS#7 against node:crypto; ISO/IEC 9797-1 method 2 against its definition
// (0x80 then zeros, always at least one byte); round trips at every tail length.
import { createCipheriv as nodeCipher } from "node:crypto";
import { expect, it } from "vitest";
import { aesKey } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

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
