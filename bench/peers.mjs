// The implementations the benchmark compares, behind one shape: for a case (mode, key size,
// key, iv, input) each returns a function that does the whole job through that library's
// idiomatic public API and returns the output bytes, or null if it lacks the mode.
// Every function's output is checked against node:crypto before it is timed.
import * as nodeCrypto from "node:crypto";
import * as aes from "aes-wasm";
import * as noble from "@noble/ciphers/aes.js";
import aesjs from "aes-js";
import CryptoJS from "crypto-js";
import * as asmcrypto from "asmcrypto.js";

const subtle = globalThis.crypto.subtle;

/** Modes in the benchmark: [cipher mode, direction]. */
export const MODES = ["ctr", "cbc-enc", "cbc-dec", "ecb-enc", "ecb-dec", "cfb-enc", "ofb"];

const split = (mode) => {
  const [m, dir = "enc"] = mode.split("-");
  return { m, enc: dir !== "dec" };
};

function nodeRun(mode, bits, key, iv, input) {
  const { m, enc } = split(mode);
  if (m === "gcm") { // ciphertext || 16-byte tag, 12-byte IV (the first 12 bytes of iv), no AAD
    const c = nodeCrypto.createCipheriv(`aes-${bits}-gcm`, key, iv.subarray(0, 12));
    return Buffer.concat([c.update(input), c.final(), c.getAuthTag()]);
  }
  const name = `aes-${bits}-${m === "cfb" ? "cfb" : m}`;
  const c = enc ? nodeCrypto.createCipheriv(name, key, m === "ecb" ? null : iv) : nodeCrypto.createDecipheriv(name, key, m === "ecb" ? null : iv);
  c.setAutoPadding(false);
  const a = c.update(input);
  const b = c.final();
  return b.length ? Buffer.concat([a, b]) : a;
}

/** What a correct implementation outputs for this case. */
export const expectedOutput = nodeRun;

function wasmLib(backendKind) {
  return {
    name: backendKind === "js" ? "aes-wasm (JS reference)" : "aes-wasm",
    setup() {
      aes.useBackend(backendKind);
    },
    make(mode, bits, key, iv, input) {
      this.setup();
      const { m, enc } = split(mode);
      const k = aes.aesKey(key);
      if (m === "gcm") {
        const out = new Uint8Array(input.length + 16);
        return () => k.gcm(iv.subarray(0, 12)).encrypt(input, out);
      }
      const out = new Uint8Array(input.length);
      const make = {
        ctr: () => k.ctr(iv), ofb: () => k.ofb(iv), cfb: () => k.cfb(iv),
        cbc: () => k.cbc(iv, { padding: "none" }), ecb: () => k.ecb({ padding: "none" }),
      }[m];
      // A mode object encrypts once per IV; benchmarks reuse the IV knowingly.
      return enc ? () => make().encrypt(input, out) : () => make().decrypt(input, out);
    },
  };
}

export const LIBS = [
  wasmLib("wasm"),
  wasmLib("js"),
  {
    name: "node:crypto",
    make: (mode, bits, key, iv, input) => () => nodeRun(mode, bits, key, iv, input),
  },
  {
    name: "WebCrypto",
    async: true,
    async make(mode, bits, key, iv, input) {
      const { m, enc } = split(mode);
      if (m !== "ctr" && m !== "cbc") return null;
      if (bits === 192) return null; // Chromium rejects 192-bit AES keys; keep one rule for the table
      const name = m === "ctr" ? "AES-CTR" : "AES-CBC";
      const ck = await subtle.importKey("raw", key, name, false, ["encrypt", "decrypt"]);
      const params = m === "ctr" ? { name, counter: iv, length: 128 } : { name, iv };
      if (m === "ctr") return async () => new Uint8Array(await subtle.encrypt(params, ck, input));
      // WebCrypto CBC always pads: encryption output has one extra block, which the check
      // ignores; decryption input gets a valid padded ciphertext of the same data.
      if (enc) return async () => new Uint8Array(await subtle.encrypt(params, ck, input)).subarray(0, input.length);
      const plain = nodeRun("cbc-dec", bits, key, iv, input);
      const padded = new Uint8Array(await subtle.encrypt(params, ck, plain));
      const fn = async () => new Uint8Array(await subtle.decrypt(params, ck, padded));
      fn.expected = plain;
      return fn;
    },
  },
  {
    name: "@noble/ciphers",
    make(mode, bits, key, iv, input) {
      const { m, enc } = split(mode);
      if (m === "gcm") return () => noble.gcm(key, iv.subarray(0, 12)).encrypt(input);
      const c = { ctr: () => noble.ctr(key, iv), cfb: () => noble.cfb(key, iv),
        cbc: () => noble.cbc(key, iv, { disablePadding: true }), ecb: () => noble.ecb(key, { disablePadding: true }) }[m];
      if (!c) return null;
      return enc ? () => c().encrypt(input) : () => c().decrypt(input);
    },
  },
  {
    name: "aes-js",
    make(mode, bits, key, iv, input) {
      const { m, enc } = split(mode);
      const M = aesjs.ModeOfOperation;
      const c = { ctr: () => new M.ctr(key, new aesjs.Counter(iv)), cbc: () => new M.cbc(key, iv), ecb: () => new M.ecb(key),
        cfb: () => new M.cfb(key, iv, 16), ofb: () => new M.ofb(key, iv) }[m];
      return enc ? () => c().encrypt(input) : () => c().decrypt(input);
    },
  },
  {
    name: "crypto-js",
    make(mode, bits, key, iv, input) {
      const { m, enc } = split(mode);
      const words = (u8) => CryptoJS.lib.WordArray.create(u8);
      const toBytes = (wa) => {
        const out = new Uint8Array(wa.sigBytes);
        for (let i = 0; i < wa.sigBytes; i++) out[i] = (wa.words[i >>> 2] >>> (24 - (i % 4) * 8)) & 255;
        return out;
      };
      const cfg = { iv: words(iv), padding: CryptoJS.pad.NoPadding,
        mode: { ctr: CryptoJS.mode.CTR, cbc: CryptoJS.mode.CBC, ecb: CryptoJS.mode.ECB, cfb: CryptoJS.mode.CFB, ofb: CryptoJS.mode.OFB }[m] };
      const k = words(key);
      // Conversions to and from WordArray are part of the cost of using crypto-js on bytes.
      if (enc) return () => toBytes(CryptoJS.AES.encrypt(words(input), k, cfg).ciphertext);
      return () => toBytes(CryptoJS.AES.decrypt(CryptoJS.lib.CipherParams.create({ ciphertext: words(input) }), k, cfg));
    },
  },
  {
    name: "asmcrypto.js",
    make(mode, bits, key, iv, input) {
      const { m, enc } = split(mode);
      const A = { ctr: asmcrypto.AES_CTR, cbc: asmcrypto.AES_CBC, ecb: asmcrypto.AES_ECB, cfb: asmcrypto.AES_CFB, ofb: asmcrypto.AES_OFB }[m];
      if (m === "ctr" || m === "cfb" || m === "ofb") return enc ? () => A.encrypt(input, key, iv) : () => A.decrypt(input, key, iv);
      if (m === "cbc") return enc ? () => A.encrypt(input, key, false, iv) : () => A.decrypt(input, key, false, iv);
      return enc ? () => A.encrypt(input, key, false) : () => A.decrypt(input, key, false);
    },
  },
];

/** A 16-byte AES-128-ECB one-shot (key setup included), against node:crypto. */
export const ECB16_LIBS = [
  { name: "aes-wasm", make: (key, input) => { aes.useBackend("wasm"); return () => { const c = aes.createCipheriv("aes-128-ecb", key, null); c.setAutoPadding(false); const a = c.update(input); c.final(); return a; }; } },
  { name: "node:crypto", make: (key, input) => () => { const c = nodeCrypto.createCipheriv("aes-128-ecb", key, null); c.setAutoPadding(false); const a = c.update(input); c.final(); return a; } },
];

/** Per-message cost, key setup included: createCipheriv(...).update(64 B).final() and peers. */
export const MESSAGE_LIBS = [
  // useBackend: a throughput case may have left the JS reference backend active.
  { name: "aes-wasm", make: (key, iv, input) => { aes.useBackend("wasm"); return () => { const c = aes.createCipheriv("aes-128-ctr", key, iv); const a = c.update(input); c.final(); return a; }; } },
  { name: "node:crypto", make: (key, iv, input) => () => { const c = nodeCrypto.createCipheriv("aes-128-ctr", key, iv); const a = c.update(input); c.final(); return a; } },
  { name: "WebCrypto", async: true, make: (key, iv, input) => async () => {
    const k = await subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]);
    return new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: iv, length: 128 }, k, input));
  } },
  { name: "@noble/ciphers", make: (key, iv, input) => () => noble.ctr(key, iv).encrypt(input) },
  { name: "aes-js", make: (key, iv, input) => () => new aesjs.ModeOfOperation.ctr(key, new aesjs.Counter(iv)).encrypt(input) },
  { name: "asmcrypto.js", make: (key, iv, input) => () => asmcrypto.AES_CTR.encrypt(input, key, iv) },
];

/** Key setup + one block: a new key object each time, one 16-byte block encrypted. */
export const KEYSETUP_LIBS = [
  { name: "aes-wasm", make: (key, block) => { aes.useBackend("wasm"); return () => { const k = aes.aesKey(key); const o = k.encryptBlock(block); k.dispose(); return o; }; } },
  { name: "node:crypto", make: (key, block) => () => nodeCrypto.createCipheriv("aes-128-ecb", key, null).setAutoPadding(false).update(block) },
  { name: "@noble/ciphers", make: (key, block) => () => noble.ecb(key, { disablePadding: true }).encrypt(block) },
  { name: "aes-js", make: (key, block) => () => new aesjs.AES(key).encrypt(block) },
  { name: "asmcrypto.js", make: (key, block) => () => asmcrypto.AES_ECB.encrypt(block, key, false) },
];
