// AES-SIV against the official vectors: every Wycheproof aes_siv_cmac_test.json case
// (deterministic SIV with one associated-data component; RFC 5297 A.1 is tcId 1) and every
// aead_aes_siv_cmac_test.json case (the nonce-based AEAD of RFC 5297 §6: S2V over aad, nonce,
// plaintext; Wycheproof gives the SIV as `tag` and the rest as `ct`, on the wire V || C).
// Vectors only (no node:crypto): this file also runs in the browser.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { bytesToHex, DecryptionError, hexToBytes, sivKey } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";

interface DaeadTest { tcId: number; comment: string; flags: string[]; key: string; aad: string; msg: string; ct: string; result: "valid" | "invalid" }
interface AeadTest extends DaeadTest { iv: string; tag: string }
interface WycheproofFile<T> { numberOfTests: number; testGroups: { keySize: number; tests: T[] }[] }

function load<T>(name: string): { file: WycheproofFile<T>; tests: T[] } {
  const file = JSON.parse(readFileSync(new URL(`./vectors/wycheproof/${name}`, import.meta.url), "utf8")) as WycheproofFile<T>;
  return { file, tests: file.testGroups.flatMap((g) => g.tests) };
}

const daead = load<DaeadTest>("aes_siv_cmac_test.json");
const aead = load<AeadTest>("aead_aes_siv_cmac_test.json");

/** Decrypts `input`; a failure description or undefined. Invalid cases must be DecryptionError. */
function checkDecrypt(open: () => Uint8Array, t: DaeadTest): string | undefined {
  try {
    const pt = bytesToHex(open());
    if (t.result !== "valid") return "an invalid case decrypted";
    return pt === t.msg ? undefined : `decrypt gave ${pt}`;
  } catch (e) {
    if (t.result === "valid") return `valid case threw ${String(e)}`;
    return e instanceof DecryptionError ? undefined : `threw ${String(e)}`;
  }
}

describeEachBackend("AES-SIV: Wycheproof aes_siv_cmac_test.json (deterministic)", () => {
  it(`holds ${daead.file.numberOfTests} cases`, () => {
    expect(daead.tests.length).toBe(daead.file.numberOfTests);
    expect(daead.file.numberOfTests).toBe(442);
  });

  it("every case gets its verdict: valid ones encrypt and decrypt, modified SIVs are refused", () => {
    const failures: string[] = [];
    let valid = 0, invalid = 0;
    for (const t of daead.tests) {
      const where = `tcId ${t.tcId} (${t.comment || t.flags?.join(",")})`;
      const key = sivKey(hexToBytes(t.key));
      try {
        const ad = [hexToBytes(t.aad)];
        if (t.result === "valid") {
          const got = bytesToHex(key.encrypt(hexToBytes(t.msg), ad));
          if (got !== t.ct) failures.push(`${where}: encrypt gave ${got}`);
        }
        const bad = checkDecrypt(() => key.decrypt(hexToBytes(t.ct), ad), t);
        if (bad) failures.push(`${where}: ${bad}`);
        else if (t.result === "valid") valid++;
        else invalid++;
      } finally {
        key.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect([valid, invalid]).toEqual([118, 324]);
  });
});

describeEachBackend("AES-SIV: Wycheproof aead_aes_siv_cmac_test.json (nonce-based AEAD)", () => {
  it(`holds ${aead.file.numberOfTests} cases`, () => {
    expect(aead.tests.length).toBe(aead.file.numberOfTests);
    expect(aead.file.numberOfTests).toBe(900);
  });

  it("every case gets its verdict, through siv(nonce, { aad }) and as the deterministic form with [aad, nonce]", () => {
    const failures: string[] = [];
    let valid = 0, invalid = 0;
    for (const t of aead.tests) {
      const where = `tcId ${t.tcId} (${t.comment || t.flags.join(",")})`;
      const key = sivKey(hexToBytes(t.key));
      try {
        const nonce = hexToBytes(t.iv);
        const aad = hexToBytes(t.aad);
        const wire = hexToBytes(t.tag + t.ct);
        const mode = key.siv(nonce, { aad });
        if (t.result === "valid") {
          const got = bytesToHex(mode.encrypt(hexToBytes(t.msg)));
          if (got !== t.tag + t.ct) failures.push(`${where}: encrypt gave ${got}`);
          const det = bytesToHex(key.encrypt(hexToBytes(t.msg), [aad, nonce]));
          if (det !== t.tag + t.ct) failures.push(`${where}: deterministic form gave ${det}`);
        }
        const bad = checkDecrypt(() => mode.decrypt(wire), t);
        if (bad) failures.push(`${where}: ${bad}`);
        else if (t.result === "valid") valid++;
        else invalid++;
      } finally {
        key.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect([valid, invalid]).toEqual([252, 648]);
  });
});
