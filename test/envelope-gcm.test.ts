// GCM's short-message path (src/modes/gcm.ts: gcmSealShort/gcmOpenShort; up to 96 bytes on the
// WASM core one kernel call, assembly/gcm-short.ts, else one ECB call for E_K(J0) and the
// keystream and one GHASH call; the key's cached tables either way), which seal/open and
// key.gcm(iv).encrypt/decrypt take, on its own, against the official vectors it can take
// (96-bit IV, 128-bit tag, data and AAD up to 4 KiB): every such Wycheproof aes_gcm_test.json
// case and NIST CAVP gcmEncryptExtIV*/gcmDecrypt* record (FAIL records refused, output
// untouched), then node:crypto at every length 0..300 with the AAD given in one or two parts.
// Both backends, every vector on each.
import { createCipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { aesKey, DecryptionError, DisposedError, hexToBytes, bytesToHex, open, seal } from "../src/index.js";
import { gcmOpenShort, gcmSealShort, gcmTablesForTest, GCM_SHORT_MAX_BYTES as SHORT_GCM_MAX_BYTES } from "../src/modes/gcm.js";
import { describeEachBackend } from "./helpers/backends.js";
import { parseRsp, readRsp } from "./helpers/rsp.js";

interface WycheproofAeadTest { tcId: number; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: string }
const wycheproof = JSON.parse(readFileSync(new URL("./vectors/wycheproof/aes_gcm_test.json", import.meta.url), "utf8")) as {
  testGroups: { ivSize: number; tagSize: number; tests: WycheproofAeadTest[] }[];
};
const wycheproofAll = wycheproof.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, ivSize: g.ivSize, tagSize: g.tagSize })));
const fits = (iv: number, tag: number, msg: number, aad: number) =>
  iv === 12 && tag === 16 && msg <= SHORT_GCM_MAX_BYTES && aad <= SHORT_GCM_MAX_BYTES;
const wycheproofShort = wycheproofAll.filter((t) => fits(t.ivSize / 8, t.tagSize / 8, t.msg.length / 2, t.aad.length / 2));

const CAVP = ["128", "192", "256"].flatMap((b) => [`gcmEncryptExtIV${b}.rsp`, `gcmDecrypt${b}.rsp`]);
const cavp = new Map(CAVP.map((f) => {
  const records = parseRsp(`[${f.startsWith("gcmDecrypt") ? "DECRYPT" : "ENCRYPT"}]\n${readRsp(`gcm/${f}`)}`);
  expect(records.length).toBe(7875);
  return [f, records.filter((r) => fits(r.fields.IV!.length / 2, r.fields.Tag!.length / 2, r.fields.PT?.length ?? r.fields.CT!.length, r.fields.AAD!.length / 2))];
}));

function expectBytes(got: Uint8Array, want: Uint8Array): void {
  expect(bytesToHex(got)).toBe(bytesToHex(want));
}

/** Seals with the short path; returns ciphertext ‖ tag as hex. `split` cuts the AAD into two parts there. */
function sealHex(key: ReturnType<typeof aesKey>, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array, split = 0): string {
  const p = Math.min(split, 3); // the prefix: the first p bytes of the first AAD part (as the envelope's header is)
  const out = new Uint8Array(1 + p + pt.length + 16 + 2).fill(0xee); // 0xee, prefix, C, tag, 0xee 0xee
  // AAD in two parts: the first `split` bytes of a longer array (aad1Length), then the rest.
  const first = new Uint8Array(split + 5).fill(0x77);
  first.set(aad.subarray(0, split));
  expect(gcmSealShort(key, iv, 0, first, split, aad.subarray(split), pt, pt.length, p, out.subarray(1, out.length - 2), 16))
    .toEqual(out.subarray(1, out.length - 2));
  expect([out[0], out[out.length - 2], out[out.length - 1]], "nothing outside `out`").toEqual([0xee, 0xee, 0xee]);
  expect([...out.subarray(1, 1 + p)], "the prefix first").toEqual([...aad.subarray(0, p)]);
  const fresh = gcmSealShort(key, iv, 0, first, split, aad.subarray(split), pt, pt.length, 0, undefined, 16);
  const hex = bytesToHex(out.subarray(1 + p, out.length - 2));
  expect(bytesToHex(fresh), "a new array: the same bytes").toBe(hex);
  return hex;
}

/** Opens with the short path: the plaintext as hex, or "refused" (and the output is untouched). */
function openHex(key: ReturnType<typeof aesKey>, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): string {
  const out = new Uint8Array(sealed.length - 16).fill(0xee);
  // The nonce and the sealed bytes at an offset in larger arrays, as the envelope passes them.
  const ivAt = new Uint8Array(14);
  ivAt.set(iv, 2);
  const from = new Uint8Array(sealed.length + 3);
  from.set(sealed, 3);
  try {
    gcmOpenShort(key, ivAt, 2, new Uint8Array(0), 0, aad, from, 3, 16, out, 0);
  } catch (e) {
    expect(e).toBeInstanceOf(DecryptionError);
    expect(out.every((b) => b === 0xee), "output untouched").toBe(true);
    return "refused";
  }
  return bytesToHex(out);
}

describeEachBackend("short-message GCM", (backend) => {
  it(backend === "wasm" ? "up to 96 bytes in one kernel call (no ECB, GHASH or CTR call), longer in the two-call path" : "the two-call path (the reference core has no one-call kernels)", () => {
    const keyBytes = randomBytes(32);
    const key = aesKey(keyBytes);
    const k = key.core.k as unknown as Record<string, (...args: number[]) => number>;
    const calls: string[] = [];
    const names = ["gcmShortSeal", "gcmShortOpen", "ecbEncrypt", "ghash", "ctr", "encryptOne"].filter((name) => typeof k[name] === "function");
    const saved = names.map((name) => k[name]!);
    names.forEach((name, i) => { k[name] = (...args: number[]) => { calls.push(name); return saved[i]!(...args); }; });
    try {
      key.gcm(randomBytes(12)).encrypt(randomBytes(1)); // the GHASH tables are made now, not below
      for (const n of [0, 17, 96, 97]) {
        const iv = randomBytes(12), pt = randomBytes(n);
        calls.length = 0;
        const sealed = key.gcm(iv, { aad: pt.subarray(0, 5) }).encrypt(pt);
        const opened = key.gcm(iv, { aad: pt.subarray(0, 5) }).decrypt(sealed);
        const c = createCipheriv("aes-256-gcm", keyBytes, iv).setAAD(pt.subarray(0, 5));
        expect(bytesToHex(sealed)).toBe(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString("hex"));
        expectBytes(opened, pt);
        const fused = backend === "wasm" && n <= 96;
        expect(calls, `n=${n}`).toEqual(fused ? ["gcmShortSeal", "gcmShortOpen"] : ["ecbEncrypt", "ghash", "ecbEncrypt", "ghash"]);
      }
    } finally {
      names.forEach((name, i) => { k[name] = saved[i]!; });
      key.dispose();
    }
  });


  it(`Wycheproof: the ${wycheproofShort.length} cases with a 96-bit IV and 128-bit tag (of ${wycheproofAll.length})`, () => {
    expect(wycheproofShort.length).toBe(197);
    const failures: string[] = [];
    let valid = 0, invalid = 0;
    for (const t of wycheproofShort) {
      const key = aesKey(hexToBytes(t.key));
      const iv = hexToBytes(t.iv);
      const aad = hexToBytes(t.aad);
      if (t.result === "valid") {
        valid++;
        if (sealHex(key, iv, aad, hexToBytes(t.msg)) !== t.ct + t.tag) failures.push(`tcId ${t.tcId}: seal`);
        if (openHex(key, iv, aad, hexToBytes(t.ct + t.tag)) !== t.msg) failures.push(`tcId ${t.tcId}: open`);
      } else {
        invalid++;
        if (openHex(key, iv, aad, hexToBytes(t.ct + t.tag)) !== "refused") failures.push(`tcId ${t.tcId}: invalid case opened`);
      }
      key.dispose();
    }
    expect(failures).toEqual([]);
    expect([valid, invalid]).toEqual([116, 81]);
  });

  for (const file of CAVP) {
    const records = cavp.get(file)!;
    const decrypt = file.startsWith("gcmDecrypt");
    it(`CAVP ${file}: all the ${records.length} records with IVlen 96, Taglen 128${decrypt ? " (FAIL refused)" : ""}`, () => {
      expect(records.length).toBe(375);
      const failures: string[] = [];
      let fails = 0;
      for (let i = 0; i < records.length; i++) {
        const f = records[i]!.fields;
        const key = aesKey(hexToBytes(f.Key!));
        const iv = hexToBytes(f.IV!);
        const aad = hexToBytes(f.AAD!);
        if (!decrypt) {
          if (sealHex(key, iv, aad, hexToBytes(f.PT!), aad.length >> 1) !== f.CT! + f.Tag!) failures.push(`line ${records[i]!.line}: seal`);
        } else {
          const got = openHex(key, iv, aad, hexToBytes(f.CT! + f.Tag!));
          if ("FAIL" in f) fails++;
          if (got !== ("FAIL" in f ? "refused" : f.PT)) failures.push(`line ${records[i]!.line}: open gave ${got}`);
        }
        key.dispose();
      }
      expect(failures).toEqual([]);
      if (decrypt) expect(fails).toBe({ 128: 196, 192: 190, 256: 191 }[file.slice(10, 13)]);
    });
  }

  it("one cached GCM slot per core holds the last key's GHASH tables: shared by seal and key.gcm, given back when another key takes it, wiped by dispose()", () => {
    const a = aesKey(randomBytes(16));
    const core = a.core;
    const iv = randomBytes(12), pt = randomBytes(40);
    const sealedA = a.gcm(iv).encrypt(pt);
    const tables = gcmTablesForTest(core)!;
    expect(tables.key).toBe(a);
    const region = () => core.mem.subarray(tables.ptr, tables.ptr + tables.size);
    expect(region().some((b) => b !== 0), "tables made").toBe(true);
    const slots = core.stats().slotsInUse;
    expectBytes(open(a, seal(a, pt)), pt); // the envelope uses the same slot: none added
    expectBytes(a.gcm(iv).decrypt(sealedA), pt);
    expect(core.stats().slotsInUse).toBe(slots);
    expect(gcmTablesForTest(core)!.ptr).toBe(tables.ptr);

    const b = aesKey(randomBytes(32));
    const withB = core.stats().slotsInUse;
    expectBytes(open(b, seal(b, pt)), pt);
    expect(gcmTablesForTest(core)!.key).toBe(b);
    expect(core.stats().slotsInUse, "a's tables were given back when b's were made").toBe(withB);
    a.dispose();
    expect(core.stats().slotsInUse, "a holds nothing but its key block").toBe(withB - 1);
    expect(() => a.gcm(iv)).toThrow(DisposedError);

    const mine = gcmTablesForTest(core)!;
    b.dispose();
    expect(core.stats().slotsInUse, "b's key block and tables").toBe(withB - 3);
    expect(core.mem.subarray(mine.ptr, mine.ptr + mine.size).every((x) => x === 0), "b's tables wiped").toBe(true);
    expect(gcmTablesForTest(core)).toBeUndefined();
    // A new key after a disposed cached one: fresh tables, node's bytes.
    const keyBytes = randomBytes(24);
    const c = aesKey(keyBytes);
    const n = createCipheriv("aes-192-gcm", keyBytes, iv);
    expect(bytesToHex(c.gcm(iv).encrypt(pt))).toBe(Buffer.concat([n.update(pt), n.final(), n.getAuthTag()]).toString("hex"));
    c.dispose();
  });

  it("key.gcm(iv).encrypt/decrypt on the short path: outputs overlapping the input either way, short tags, node's bytes", () => {
    const keyBytes = randomBytes(32);
    const key = aesKey(keyBytes);
    for (const [n, tagLength] of [[0, 16], [5, 4], [64, 12], [64, 16], [301, 8], [4096, 13]] as const) {
      const iv = randomBytes(12), aad = randomBytes(n % 40), pt = randomBytes(n);
      const c = createCipheriv("aes-256-gcm", keyBytes, iv, { authTagLength: tagLength }).setAAD(aad);
      const expected = bytesToHex(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
      const opts = { aad, tagLength, allowShortTags: true };
      for (const shift of [-17, -1, 0, 1, 3, 16, 40]) {
        // The plaintext at 50 in a shared buffer, the output at 50 + shift: a memmove's result.
        const buf = new Uint8Array(n + 200);
        buf.set(pt, 50);
        const got = key.gcm(iv, opts).encrypt(buf.subarray(50, 50 + n), buf.subarray(50 + shift, 50 + shift + n + tagLength));
        expect(bytesToHex(got), `encrypt n=${n} tag=${tagLength} shift=${shift}`).toBe(expected);
        // And back: the sealed bytes at 50 + shift, the plaintext to 50.
        const back = key.gcm(iv, opts).decrypt(buf.subarray(50 + shift, 50 + shift + n + tagLength), buf.subarray(50, 50 + n));
        expect(bytesToHex(back), `decrypt n=${n} shift=${shift}`).toBe(bytesToHex(pt));
      }
      const bad = Buffer.from(expected, "hex");
      bad[bad.length - 1]! ^= 1;
      const untouched = new Uint8Array(n).fill(0xee);
      expect(() => key.gcm(iv, opts).decrypt(bad, untouched)).toThrow(DecryptionError);
      expect(untouched.every((b) => b === 0xee), "output untouched").toBe(true);
    }
    key.dispose();
  });

  it("node:crypto at every length 0..300 and the 4 KiB edge, AAD 0..300 in one or two parts, every key size", () => {
    const lengths = [...Array(301).keys(), 1023, 4095, 4096];
    for (const bits of [128, 192, 256] as const) {
      const keyBytes = randomBytes(bits / 8);
      const key = aesKey(keyBytes);
      for (const n of lengths) {
        const a = (n * 7) % 301 + (n === 4096 ? 3795 : 0);
        const iv = randomBytes(12), aad = randomBytes(a), pt = randomBytes(n);
        const c = createCipheriv(`aes-${bits}-gcm`, keyBytes, iv).setAAD(aad);
        const expected = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString("hex");
        expect(sealHex(key, iv, aad, pt, a % 5), `n=${n} a=${a}`).toBe(expected);
        expect(openHex(key, iv, aad, Buffer.from(expected, "hex"))).toBe(pt.toString("hex"));
      }
      key.dispose();
    }
  });
});
