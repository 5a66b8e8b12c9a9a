// Prints the size of each browser entry (dist/browser, from `npm run build:bundle`) as a browser
// downloads it: the entry plus every chunk it imports statically, raw and gzipped. Also the
// size of a tiny app that uses only CTR through the root entry, bundled by rollup with
// tree-shaking, to show what a bundler ships for that. Markdown table on stdout.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rollup } from "rollup";

const dir = fileURLToPath(new URL("../dist/browser/", import.meta.url));
const ENTRIES = ["index", "subtle", "parallel", "parallel/web-worker", "selftest", "fallback"];

/** The file and all files it imports statically (import/export ... from './x.js'). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g)) {
    closure(resolve(dirname(file), m[1] ?? m[2]), seen);
  }
  return seen;
}

function measure(files) {
  const text = [...files].map((f) => readFileSync(f)).reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0));
  // gzip per file, as served: each file is its own response
  const gz = [...files].reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  return { raw: text.length, gz };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [];
for (const name of ENTRIES) {
  const files = closure(join(dir, `${name}.js`));
  const { raw, gz } = measure(files);
  rows.push([`aes-wasm/${name === "index" ? "" : name}`.replace(/\/$/, ""), `dist/browser/${name}.js`, files.size, kb(raw), kb(gz)]);
}

// What a bundler ships for an app that only does CTR through the root entry.
const tmp = mkdtempSync(join(tmpdir(), "aes-ctr-app-"));
writeFileSync(join(tmp, "app.js"),
  `import { aesKey } from ${JSON.stringify(join(dir, "index.js"))};\n` +
  `export const run = (k, iv, d) => aesKey(k).ctr(iv).encrypt(d);\n`);
const bundle = await rollup({ input: join(tmp, "app.js"), logLevel: "silent" });
const { output } = await bundle.generate({ format: "es", inlineDynamicImports: true });
const app = Buffer.from(output.map((o) => o.code ?? "").join(""));
rows.push(["app using only CTR (bundled)", "tree-shaken from dist/browser/index.js", output.length, kb(app.length), kb(gzipSync(app, { level: 9 }).length)]);
rmSync(tmp, { recursive: true, force: true });

const wasm = readFileSync(new URL("../build/aes.wasm", import.meta.url));
console.log("| entry | file | files | raw | gzipped |\n|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`\nThe WASM core: ${kb(wasm.length)} (${kb(gzipSync(wasm, { level: 9 }).length)} gzipped as a .wasm file); ` +
  `embedded as hex it is much of every entry that uses it.`);
