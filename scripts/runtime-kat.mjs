// Known answers against a built package, in whatever runtime runs this file: Node, Bun
// (`bun runtime-kat.mjs`) or Deno (`deno run -A runtime-kat.mjs`). scripts/runtimes.mjs runs it
// under Bun and Deno; it takes the package directory (with dist/) and the test vectors:
//
//   <runtime> scripts/runtime-kat.mjs <package dir> <test/vectors dir>
//
// On both backends ('wasm', then 'js' via useBackend): the package's own self-test
// (aes-wasm/selftest), FIPS 197 Appendix B and C, every SP 800-38A Appendix F vector, a sample
// of the AESAVS KAT and MMT files (every mode and key size, both directions) and the first ECB
// Monte Carlo iteration, a sample of the NIST CAVP GCM files (rejected records included), and
// every Wycheproof AES-GCM, AES-KW and AES-KWP case. The ES module build is loaded through its
// entry files; the CommonJS build (dist/cjs) through require where the runtime has it, with one
// known answer. Prints a line per backend and source and exits 1 on any mismatch.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { gcmFromCavp, gcmFromWycheproof, keyWrapFromWycheproof, parseRsp, wycheproofTests } from "./vectors-lib.mjs";

const [pkgDir, vectorsDir] = process.argv.slice(2);
if (!pkgDir || !vectorsDir) {
  console.error("usage: <runtime> scripts/runtime-kat.mjs <package dir> <test/vectors dir>");
  process.exit(2);
}
const runtime = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : globalThis.Bun ? `bun ${globalThis.Bun.version}` : `node ${process.version}`;
const load = (rel) => import(pathToFileURL(join(pkgDir, rel)).href);

const lib = await load("dist/index.node.js");
const selftest = await load("dist/selftest/run.js");
const { useBackend, backend, aesKey, hexToBytes, bytesToHex } = lib;
const { selfTest, checkKnownAnswer, checkGcmKnownAnswer, checkKeyWrapKnownAnswer } = selftest;

const readText = (...p) => readFileSync(join(vectorsDir, ...p), "utf8");
/** Every `step`-th element, starting with the first. */
const every = (list, step) => list.filter((_, i) => i % step === 0);

// --- vectors, as the self-test's known-answer shapes -----------------------------------------
const FIPS197 = [
  // Appendix B (cipher example) and C.1-C.3 (one block, keys 00 01 02 ...).
  ["B", "2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32"],
  ["C.1", "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a"],
  ["C.2", "000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff", "dda97ca4864cdfe06eaf70a0ec0d7191"],
  ["C.3", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089"],
].flatMap(([name, key, plaintext, ciphertext]) =>
  [true, false].map((encrypt) => ({ name: `FIPS 197 ${name} ${encrypt ? "encrypt" : "decrypt"}`, mode: "ECB", encrypt, key, plaintext, ciphertext })));

// scripts/runtimes.mjs --plant-failure: one wrong expected value, which must fail the run.
if (process.env.AES_WASM_KAT_PLANT_FAILURE === "1") FIPS197[0].ciphertext = FIPS197[0].ciphertext.replace(/.$/, (c) => (c === "0" ? "1" : "0"));

const SP800_38A = JSON.parse(readText("sp800-38a", "sp800-38a.json")).vectors.map((v) => ({
  name: `${v.section} ${v.name}`, mode: v.mode, encrypt: v.direction === "encrypt", key: v.key,
  iv: v.iv ?? v.initialCounterBlock, plaintext: v.plaintext, ciphertext: v.ciphertext,
  ...(v.mode === "CFB1" ? { bits: v.plaintextBits.length } : {}),
}));

/** A CFB1 bit string ('0'/'1') packed MSB-first into hex, as encryptBits returns it. */
function pack(bits) {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === "1") out[i >> 3] |= 0x80 >> (i & 7);
  return bytesToHex(out);
}

const AESAVS_STEP = 16;
const aesavs = [];
for (const file of readdirSync(join(vectorsDir, "nist-cavp")).filter((f) => /^(ECB|CBC|CFB1|CFB8|CFB128|OFB)(GFSbox|KeySbox|VarKey|VarTxt|MMT)\d+\.rsp$/.test(f)).sort()) {
  const mode = /^(ECB|CBC|CFB128|CFB1|CFB8|OFB)/.exec(file)[1];
  for (const section of ["ENCRYPT", "DECRYPT"]) {
    const records = parseRsp(readText("nist-cavp", file)).filter((r) => r.section === section);
    for (const r of every(records, AESAVS_STEP)) {
      const f = r.fields;
      const v = { name: `${file} [${section}] COUNT ${f.COUNT}`, mode, encrypt: section === "ENCRYPT", key: f.KEY, iv: f.IV, plaintext: f.PLAINTEXT, ciphertext: f.CIPHERTEXT };
      if (mode === "CFB1") Object.assign(v, { bits: f.PLAINTEXT.length, plaintext: pack(f.PLAINTEXT), ciphertext: pack(f.CIPHERTEXT) });
      aesavs.push(v);
    }
  }
}

/** AESAVS §6.4.1, ECB: the first outer iteration (1000 chained blocks) of each MCT file section. */
function ecbMonteCarlo() {
  const results = [];
  for (const file of ["ECBMCT128.rsp", "ECBMCT192.rsp", "ECBMCT256.rsp"]) {
    for (const section of ["ENCRYPT", "DECRYPT"]) {
      const r = parseRsp(readText("nist-cavp", file)).find((r) => r.section === section);
      const enc = section === "ENCRYPT";
      const key = aesKey(hexToBytes(r.fields.KEY));
      try {
        const mode = key.ecb({ padding: "none" });
        let block = hexToBytes(enc ? r.fields.PLAINTEXT : r.fields.CIPHERTEXT);
        for (let j = 0; j < 1000; j++) block = enc ? mode.encrypt(block) : mode.decrypt(block);
        results.push({ name: `${file} [${section}] COUNT 0`, ok: bytesToHex(block) === (enc ? r.fields.CIPHERTEXT : r.fields.PLAINTEXT) });
      } finally {
        key.dispose();
      }
    }
  }
  return results;
}

const GCM_STEP = 100;
const gcmCavp = [];
for (const file of ["gcmEncryptExtIV128.rsp", "gcmEncryptExtIV192.rsp", "gcmEncryptExtIV256.rsp", "gcmDecrypt128.rsp", "gcmDecrypt192.rsp", "gcmDecrypt256.rsp"]) {
  for (const r of every(parseRsp(readText("nist-cavp", "gcm", file)), GCM_STEP)) gcmCavp.push(gcmFromCavp(`${file} Count ${r.fields.Count} ${JSON.stringify(r.params)}`, r));
}
// An empty IV is refused when the mode object is made (IvLengthError), not by decrypt.
const gcmWycheproof = wycheproofTests(JSON.parse(readText("wycheproof", "aes_gcm_test.json")))
  .filter((t) => t.iv.length > 0).map(gcmFromWycheproof);
// 'acceptable' KW cases wrap an 8-byte key, which this library refuses (test/kw.test.ts).
const keyWrap = [
  ...wycheproofTests(JSON.parse(readText("wycheproof", "aes_wrap_test.json"))).filter((t) => t.result !== "acceptable").map((t) => keyWrapFromWycheproof("KW", t)),
  ...wycheproofTests(JSON.parse(readText("wycheproof", "aes_kwp_test.json"))).filter((t) => t.result !== "acceptable").map((t) => keyWrapFromWycheproof("KWP", t)),
];

// --- run ---------------------------------------------------------------------------------------
function run(vectors, check) {
  const failures = [];
  for (const v of vectors) {
    let ok;
    try {
      ok = check(v);
    } catch (e) {
      ok = false;
      v.name += ` (threw ${e?.name}: ${e?.message})`;
    }
    if (!ok) failures.push(v.name);
  }
  return { passed: vectors.length - failures.length, total: vectors.length, failures };
}

const rows = [];
let failed = 0;
const report = (kind, source, r) => {
  rows.push({ backend: kind, source, passed: r.passed, total: r.total });
  console.log(`${runtime} [${kind}] ${source}: ${r.passed}/${r.total} passed`);
  for (const f of r.failures.slice(0, 10)) console.log(`  FAILED: ${f}`);
  if (r.failures.length > 10) console.log(`  ... and ${r.failures.length - 10} more`);
  failed += r.total - r.passed;
};

for (const kind of ["wasm", "js"]) {
  useBackend(kind);
  if (backend() !== kind) {
    report(kind, "useBackend", { passed: 0, total: 1, failures: [`backend() is '${backend()}' after useBackend('${kind}')`] });
    continue;
  }
  for (const r of selfTest()) report(kind, `aes-wasm/selftest: ${r.source}`, r);
  report(kind, "FIPS 197 Appendix B and C", run(FIPS197, checkKnownAnswer));
  report(kind, "SP 800-38A Appendix F (test/vectors)", run(SP800_38A, checkKnownAnswer));
  report(kind, `AESAVS KAT and MMT, every ${AESAVS_STEP}th record`, run(aesavs, checkKnownAnswer));
  const mct = ecbMonteCarlo();
  report(kind, "AESAVS ECB MCT, first outer iteration", { passed: mct.filter((m) => m.ok).length, total: mct.length, failures: mct.filter((m) => !m.ok).map((m) => m.name) });
  report(kind, `NIST CAVP GCM, every ${GCM_STEP}th record`, run(gcmCavp, checkGcmKnownAnswer));
  report(kind, "Wycheproof AES-GCM", run(gcmWycheproof, checkGcmKnownAnswer));
  report(kind, "Wycheproof AES-KW and AES-KWP", run(keyWrap, checkKeyWrapKnownAnswer));
}
useBackend("wasm");

// The CommonJS build, where this runtime can require a file.
let cjs = "not run";
try {
  const require = createRequire(join(pkgDir, "package.json"));
  const c = require(join(pkgDir, "dist/cjs/index.node.js"));
  const key = c.aesKey(c.hexToBytes("000102030405060708090a0b0c0d0e0f"));
  const ok = c.bytesToHex(key.encryptBlock(c.hexToBytes("00112233445566778899aabbccddeeff"))) === "69c4e0d86a7b0430d8cdb78070b4c55a";
  key.dispose();
  report(c.backend(), "CommonJS build (dist/cjs), FIPS 197 C.1", { passed: ok ? 1 : 0, total: 1, failures: ok ? [] : ["FIPS 197 C.1 through require()"] });
  cjs = c.backend();
} catch (e) {
  report("wasm", "CommonJS build (dist/cjs)", { passed: 0, total: 1, failures: [`require failed: ${e?.message}`] });
}

console.log(`RESULT ${JSON.stringify({ runtime, failed, cjs, rows })}`);
process.exit(failed ? 1 : 0);
