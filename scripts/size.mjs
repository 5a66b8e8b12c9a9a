// `npm run size`: what an app pays for this library. Bundles three fixed small apps
// (test/fixtures/bundle-size/: CTR only, GCM only, everything the root exports) with esbuild
// --minify for browsers (the "browser" export condition: dist/browser/), and prints their
// gzipped sizes against the targets; then what those bytes are made of, and the sizes of the
// embedded WASM modules (the core's four parts). Needs the build (dist/ and build/aes.wasm).
//
//   node scripts/size.mjs          the tables
//   node scripts/size.mjs --json   the app sizes as JSON (test/bundle-size.test.ts)
//
// KB here is 1024 bytes; gzip level 9, as a server would send the bundle.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FIXTURES = `${ROOT}test/fixtures/bundle-size/`;

/**
 * The apps, their targets (issue 15) and their ceilings. A ceiling is the size measured when it
 * was set plus a little room: test/bundle-size.test.ts fails an app over its ceiling (a
 * regression), or over its target once `meets` says the target is reached. Lower a ceiling
 * when a change makes an app smaller; set `meets` when it reaches its target. ("all": 57.9 KB when
 * the core was split in tiers and carried a full core besides the CTR core and GHASH module; 55.1
 * once the parts were made disjoint and put side by side, with the short-GCM kernels in; 53.5 once
 * the extensions imported what they share with the CTR core; 41.0 without the pool and the
 * WebCrypto facade, which left the root; 39.5 with a fourth part (GF), shrinkLevel 1 and the hex
 * ahead of the code.)
 */
export const APPS = [
  { name: "ctr", file: "ctr.mjs", what: "CTR only: ctr(aesKeyBase(k), iv).encrypt(x)", targetKB: 12, ceilingKB: 11.6, meets: true, uses: [] },
  { name: "gcm", file: "gcm.mjs", what: "GCM only: gcm(key, iv).encrypt / decrypt", targetKB: 16, ceilingKB: 15, meets: true, uses: ["gcm"] },
  { name: "all", file: "all.mjs", what: "everything the package root exports", targetKB: 40, ceilingKB: 40, meets: true, uses: ["gcm", "ocb", "ccm", "kw", "gcm-siv", "cmac"] },
  // No target: the root and the two entry points it does not re-export (the pool, the WebCrypto facade).
  { name: "entries", file: "every-entry.mjs", what: "the root, aes-wasm/parallel and aes-wasm/subtle", targetKB: null, ceilingKB: 52.5, meets: false, uses: ["gcm", "ocb", "ccm", "kw", "gcm-siv", "cmac"] },
];

const KB = 1024;
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / KB).toFixed(1)} KB`;

/** A plugin that replaces the modules matching `filter` by `contents` (what a bundle would be without them). */
const stub = (filter, contents) => ({
  name: "stub",
  setup(b) {
    b.onLoad({ filter }, () => ({ contents, loader: "js" }));
  },
});
/** Stands in for the embedded WASM (dist/wasm/core-bytes.js): empty strings. */
const NO_WASM = {
  name: "no-wasm",
  setup(b) {
    b.onLoad({ filter: /[\\/]wasm[\\/]core-bytes\.js$/ }, () => ({
      contents: 'export const CTR_CORE_WASM_HEX = "", GF_WASM_HEX = "", GHASH_WASM_HEX = "", REST_WASM_HEX = "";', loader: "js",
    }));
  },
};
const NO_REFERENCE = stub(/[\\/]reference[\\/]core\.js$/, 'export function createReferenceCore() { throw new Error("left out"); }');

/** Bundles one app as esbuild --bundle --minify --format=esm --platform=browser would; returns the output bytes. */
export async function bundle(file, plugins = []) {
  const result = await build({
    entryPoints: [FIXTURES + file], bundle: true, minify: true, format: "esm", platform: "browser",
    target: "es2022", write: false, logLevel: "silent", external: ["node:*"], plugins,
  });
  return result.outputFiles[0].contents;
}

/** Raw and gzipped size of each app. */
export async function measureApps() {
  const out = [];
  for (const app of APPS) {
    const bytes = await bundle(app.file);
    out.push({ ...app, raw: bytes.length, gzip: gz(bytes) });
  }
  return out;
}

/**
 * What an app's gzipped bytes are made of: the embedded WASM (hex), the JS reference core
 * (the fallback where WebAssembly is blocked), and the rest (the TypeScript layer), measured
 * by bundling the app without each. Neutral platform (dist/*.js, module by module), where the
 * reference core is a module of its own.
 */
async function breakdown(app) {
  const neutral = async (plugins) => gz((await build({
    entryPoints: [FIXTURES + app.file], bundle: true, minify: true, format: "esm", platform: "neutral",
    mainFields: ["module", "main"], target: "es2022", write: false, logLevel: "silent", external: ["node:*"], plugins,
  })).outputFiles[0].contents);
  const whole = await neutral([]);
  const noWasm = await neutral([NO_WASM]);
  const noRef = await neutral([NO_REFERENCE]);
  const neither = await neutral([NO_WASM, NO_REFERENCE]);
  // The modes an AesKey method makes (key.gcm(), key.ocb()...) are bundled whether the app
  // calls them or not: a method cannot be tree-shaken. Without the ones this app does not use:
  const unused = KEY_METHOD_MODES.filter((file) => !app.uses.includes(file));
  const shaken = unused.length
    ? await neutral([NO_WASM, NO_REFERENCE, ...unused.map((file) => stub(new RegExp(`[\\\\/]modes[\\\\/]${file}\\.js$`), emptyModule(`dist/modes/${file}.js`)))])
    : neither;
  return { whole, wasm: whole - noWasm, reference: whole - noRef, rest: neither, restShaken: shaken };
}

/** The modules of the modes that AesKey's methods make (key.gcm(), key.ocb()...). */
const KEY_METHOD_MODES = ["gcm", "ocb", "ccm", "kw", "gcm-siv", "cmac"];

/** A module with the same export names as tsc's output `file`, each an empty stand-in. */
function emptyModule(file) {
  const text = readFileSync(ROOT + file, "utf8");
  const names = new Set();
  for (const m of text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function\*?|const|let|var) (\w+)/gm)) names.add(m[1]);
  for (const m of text.matchAll(/^export \{([^}]*)\}/gm)) for (const n of m[1].split(",")) names.add(n.trim().split(/\s+as\s+/).pop());
  return [...names].filter(Boolean).map((n) => `export class ${n} {}`).join("\n");
}

/** The embedded WASM core in other encodings, gzipped (the app carries hex). */
function wasmEncodings() {
  const wasm = readFileSync(`${ROOT}build/aes.wasm`);
  const literal = (s) => Buffer.from(`export const W="${s}";`);
  return {
    raw: wasm.length,
    binary: gz(wasm),
    base64: gz(literal(wasm.toString("base64"))),
    hex: gz(literal(wasm.toString("hex"))),
  };
}

/** The WASM modules embedded (scripts/embed.mjs): the core's four parts, cut from build/aes.wasm. */
function embeddedModules() {
  const out = {};
  const source = readFileSync(`${ROOT}dist/wasm/core-bytes.js`, "utf8");
  for (const [name, what] of [
    ["CTR_CORE_WASM_HEX", "CTR core (keys, encryptBlock, CTR; GCM's AES calls)"],
    ["GF_WASM_HEX", "GF part (the GF(2^128) functions GHASH and the rest share; comes with either)"],
    ["GHASH_WASM_HEX", "GHASH part (added to the CTR core's memory by gcm() and AesKey)"],
    ["REST_WASM_HEX", "the rest (every other kernel, added to the same memory by AesKey and the other modes)"],
  ]) {
    const hex = new RegExp(`${name} = "([0-9a-f]+)"`).exec(source)[1];
    const b = Buffer.from(hex, "hex");
    out[what] = { raw: b.length, gzip: gz(b), hexGzip: gz(Buffer.from(`export const W="${hex}";`)) };
  }
  return out;
}

async function main() {
  const apps = await measureApps();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(apps.map(({ name, raw, gzip, targetKB, ceilingKB, meets }) => ({ name, raw, gzip, targetKB, ceilingKB, meets }))));
    return;
  }
  console.log("Apps bundled with esbuild --bundle --minify --platform=browser (test/fixtures/bundle-size/):\n");
  console.log("| app | minified | gzipped | target | |\n|---|---:|---:|---:|---|");
  for (const a of apps) {
    const verdict = a.targetKB === null ? "(no target)" : a.gzip <= a.targetKB * KB ? "met" : `${kb(a.gzip - a.targetKB * KB)} over`;
    console.log(`| ${a.what} | ${kb(a.raw)} | ${kb(a.gzip)} | ${a.targetKB === null ? "–" : `≤ ${a.targetKB} KB`} | ${verdict} |`);
  }
  console.log("\nWhat the gzipped bytes are (each part measured by bundling the app without it; dist/*.js):\n");
  console.log("| app | whole | embedded WASM (hex) | JS reference core (fallback) | the rest (TypeScript layer) | the rest without the AesKey-method modes it does not call |\n|---|---:|---:|---:|---:|---:|");
  for (const a of apps) {
    const b = await breakdown(a);
    console.log(`| ${a.name} | ${kb(b.whole)} | ${kb(b.wasm)} | ${kb(b.reference)} | ${kb(b.rest)} | ${kb(b.restShaken)} |`);
  }
  const enc = wasmEncodings();
  console.log(`\nThe WASM core (build/aes.wasm, ${kb(enc.raw)}) gzipped: as a binary .wasm ${kb(enc.binary)}, ` +
    `as a base64 literal ${kb(enc.base64)}, as the hex literal embedded ${kb(enc.hex)} (gzip finds the repeats that base64's 6-bit shift hides).`);
  console.log("\nThe WASM modules embedded (scripts/embed.mjs cuts them from build/aes.wasm, each kernel in one); a bundle carries the ones its modules register:\n");
  console.log("| module | .wasm | gzipped | as hex, gzipped |\n|---|---:|---:|---:|");
  for (const [name, m] of Object.entries(embeddedModules())) console.log(`| ${name} | ${kb(m.raw)} | ${kb(m.gzip)} | ${kb(m.hexGzip)} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
