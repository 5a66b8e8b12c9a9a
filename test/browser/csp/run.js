// Runs in a page served with a CSP that forbids WebAssembly: checks that compiling WASM is
// indeed refused, that the browser bundle falls back to its pure-JS backend and says so, and
// that it still gives the right answers — SP 800-38A vectors (all modes) and the page's
// crypto.subtle for CTR and CBC, through the modes and through the `subtle` facade. No CTR
// call needs 2^length - 1 blocks or more (Firefox's WebCrypto refuses them, see
// test/engines/webcrypto.engines.test.ts). The page also records whether the CSP refuses eval
// and whether WebAssembly is refused at compile or only at instantiation (WebKitGTK compiles a
// module under the CSP but refuses to instantiate it). One page for every engine: the result
// goes to window.__result for test/browser/csp.e2e.test.ts (Chromium) and
// test/engines/csp.engines.test.ts (Firefox, WebKit, via test/engines/csp/index.html).
// The fallback is opt-in (import "aes-wasm/fallback"): the page loads it, unless ?fallback=off,
// where it records the error that ready() gives instead and stops.
import { aesKey, backend, ready, bytesToHex, hexToBytes } from "../../../dist/browser/index.js";
import { subtle as facade } from "../../../dist/browser/subtle.js";

const failures = [];
let checks = 0;
const check = (ok, what) => {
  checks++;
  if (!ok) failures.push(what);
};

let evalRefused;
try {
  evalRefused = (0, eval)("false");
} catch {
  evalRefused = true;
}
let wasmCompiles;
try {
  await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  wasmCompiles = true;
} catch {
  wasmCompiles = false;
}
let wasmInstantiates;
try {
  await WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  wasmInstantiates = true;
} catch {
  wasmInstantiates = false;
}
let noFallbackError;
if (new URLSearchParams(location.search).get("fallback") === "off") {
  try {
    noFallbackError = `ready() gave backend '${await ready()}'`;
  } catch (e) {
    noFallbackError = `${e.name}: ${e.message}`;
  }
  window.__result = { wasmCompiles, wasmInstantiates, evalRefused, noFallbackError, checks, failures };
  document.getElementById("out").textContent = JSON.stringify(window.__result, null, 1);
  await new Promise(() => {}); // the page stops here: nothing below can run without the fallback
}
await import("../../../dist/browser/fallback.js");
await ready();

const sp = await (await fetch("../../vectors/sp800-38a/sp800-38a.json")).json();
for (const v of sp.vectors) {
  const key = aesKey(hexToBytes(v.key));
  const iv = v.iv ?? v.initialCounterBlock;
  const mode = {
    ECB: () => key.ecb({ padding: "none" }), CBC: () => key.cbc(hexToBytes(iv), { padding: "none" }),
    CFB1: () => key.cfb(hexToBytes(iv), { segment: 1 }), CFB8: () => key.cfb(hexToBytes(iv), { segment: 8 }),
    CFB128: () => key.cfb(hexToBytes(iv), { segment: 128 }), OFB: () => key.ofb(hexToBytes(iv)),
    CTR: () => key.ctr(hexToBytes(iv)),
  }[v.mode];
  if (v.mode === "CFB1") continue; // bit-oriented vectors; covered by the byte modes' suites
  const encrypt = v.direction === "encrypt";
  const out = encrypt ? mode().encrypt(hexToBytes(v.plaintext)) : mode().decrypt(hexToBytes(v.ciphertext));
  check(bytesToHex(out) === (encrypt ? v.ciphertext : v.plaintext), `SP 800-38A ${v.section} ${v.name}`);
  key.dispose();
}

const web = crypto.subtle;
for (const [n, length] of [[0, 64], [1, 128], [100, 8], [4096, 16], [5000, 32], [65536, 128]]) {
  const raw = crypto.getRandomValues(new Uint8Array(16));
  const counter = crypto.getRandomValues(new Uint8Array(16));
  const data = crypto.getRandomValues(new Uint8Array(n));
  const ctr = { name: "AES-CTR", counter, length };
  const expected = bytesToHex(new Uint8Array(await web.encrypt(ctr, await web.importKey("raw", raw, "AES-CTR", false, ["encrypt"]), data)));
  const key = aesKey(raw);
  check(bytesToHex(key.ctr(counter, { counterBits: length }).encrypt(data)) === expected, `CTR n=${n} length=${length}`);
  key.dispose();
  const fk = await facade.importKey("raw", raw, "AES-CTR", false, ["encrypt"]);
  check(bytesToHex(new Uint8Array(await facade.encrypt(ctr, fk, data))) === expected, `subtle CTR n=${n} length=${length}`);

  const cbc = { name: "AES-CBC", iv: counter };
  const expectedCbc = bytesToHex(new Uint8Array(await web.encrypt(cbc, await web.importKey("raw", raw, "AES-CBC", false, ["encrypt"]), data)));
  const fc = await facade.importKey("raw", raw, "AES-CBC", false, ["encrypt", "decrypt"]);
  const ct = new Uint8Array(await facade.encrypt(cbc, fc, data));
  check(bytesToHex(ct) === expectedCbc, `subtle CBC n=${n}`);
  check(bytesToHex(new Uint8Array(await facade.decrypt(cbc, fc, ct))) === bytesToHex(data), `subtle CBC decrypt n=${n}`);
}

window.__result = { wasmCompiles, wasmInstantiates, evalRefused, backend: backend(), checks, failures };
document.getElementById("out").textContent = JSON.stringify(window.__result, null, 1);
