// Is the built tree (build/aes.wasm, dist/, dist/browser/, dist/cjs/) newer than everything it
// is built from? Used by test/package.test.ts and test/runtimes.test.ts to skip a rebuild when
// `npm test` (or `npm run build`) has just made one, and by scripts/runtimes.mjs to refuse a
// stale dist/.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** One output of each build step: asc, embed + tsc, rollup's browser and CommonJS builds. */
export const BUILD_OUTPUTS = [
  "build/aes.wasm",
  "dist/wasm/core-bytes.js",
  "dist/index.node.js",
  "dist/selftest/vectors.js",
  "dist/browser/index.js",
  "dist/cjs/index.node.js",
  "dist/cjs/package.json",
];

const INPUT_DIRS = ["src", "assembly"];
const INPUT_FILES = [
  "asconfig.json", "tsconfig.json", "tsconfig.build.json", "rollup.config.mjs",
  "scripts/embed.mjs", "scripts/vectors-lib.mjs",
];
// Written by the build itself (scripts/embed.mjs), after build/aes.wasm.
const GENERATED = new Set(["src/wasm/core-bytes.ts", "src/selftest/vectors.ts"]);

function* files(root, dir) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) yield* files(root, rel);
    else yield rel;
  }
}

/** { fresh, reason }: fresh when every output exists and is newer than every input. */
export function distStatus(root) {
  const missing = BUILD_OUTPUTS.filter((f) => !existsSync(join(root, f)));
  if (missing.length) return { fresh: false, reason: `missing ${missing.join(", ")}` };
  const oldest = Math.min(...BUILD_OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  const inputs = [
    ...INPUT_DIRS.flatMap((d) => (existsSync(join(root, d)) ? [...files(root, d)] : [])),
    ...INPUT_FILES.filter((f) => existsSync(join(root, f))),
  ].filter((f) => !GENERATED.has(f));
  const newer = inputs.filter((f) => statSync(join(root, f)).mtimeMs > oldest);
  if (newer.length) return { fresh: false, reason: `${newer.slice(0, 3).join(", ")}${newer.length > 3 ? ` and ${newer.length - 3} more` : ""} changed since the last build` };
  return { fresh: true, reason: "dist/ is newer than its sources" };
}
