// Two builds from one `rollup -c` (`npm run build:bundle`, after tsc has written dist/):
//
// 1. Browser bundles (dist/browser/): ES modules, no bare imports, loadable straight from a
//    static server with <script type="module">, and tree-shakable by bundlers
//    ("sideEffects": false). One entry per concern, so an app pays only for what it imports:
//    the core API, the WebCrypto-shaped facade, the worker pool (plus its worker script) and
//    the self-test. Code they share lands in chunks next to them. They share tsc's .d.ts files.
//
// 2. CommonJS (dist/cjs/): the tsc output (dist/*.js) converted module by module, for
//    require('aes-wasm') on Node 20.0-20.18 (no require(esm) there) and for TypeScript
//    CommonJS projects; dist/cjs/package.json says "type": "commonjs" and the .d.ts files are
//    copied beside the modules, so `module: node16` CommonJS code type-checks against them.
//
// The WASM core ships once, as hex in dist/wasm/core-bytes.js (tsc's output of the generated
// src/wasm/core-bytes.ts: a constant per part of the core): the browser bundles import that
// module (a relative import, still no bare specifier) instead of inlining a copy, and the
// CommonJS build reads it as text. The self-test's vectors (dist/selftest/vectors.js) are shared the same way with
// the browser bundles. No source maps are shipped: tsc's maps pointed at src/, which is not
// in the package, and the output is readable, unminified ES2022.
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import typescript from "@rollup/plugin-typescript";

const DIST = resolve("dist");

const ENTRIES = {
  index: "src/index.ts",
  subtle: "src/subtle/index.ts",
  parallel: "src/parallel/pool.ts",
  selftest: "src/selftest/run.ts",
  // The pure-JS reference core, opt-in: a side-effect import that registers it as the 'js' backend.
  fallback: "src/fallback.ts",
  // Loaded with new URL("./web-worker.js", import.meta.url) by parallel/web-platform.js: it
  // stays beside it, as dist/browser/parallel/web-worker.js (ENTRY_FILE below).
  "web-worker": "src/parallel/web-worker.ts",
};

/** The CommonJS modules a consumer can require (the "require" conditions of "exports"), plus the pool's worker. */
const CJS_ENTRIES = ["index", "index.node", "subtle/index", "parallel/pool", "parallel/node-worker", "selftest/run", "stream/node", "fallback"];

/** Generated data modules the browser bundles import from dist/ (tsc's output) instead of inlining. */
const SHARED_DATA = {
  "src/wasm/core-bytes.ts": "dist/wasm/core-bytes.js",
  "src/selftest/vectors.ts": "dist/selftest/vectors.js",
};

/** Empties an output directory before a build, so no chunk of an earlier build is shipped. */
function cleanOutput(dir) {
  return {
    name: "clean-output",
    buildStart() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The pool picks its Node glue with a dynamic import; browsers get a stub without node: imports. */
function noNodeGlue() {
  const STUB = "\0node-platform-stub";
  return {
    name: "no-node-glue",
    resolveId(source, importer) {
      if (source === "./node-platform.js" && importer?.includes("/src/parallel/")) return STUB;
      return null;
    },
    load(id) {
      if (id !== STUB) return null;
      return 'export const nodePlatform = (() => { throw new Error("the Node worker glue is not part of the browser build"); })();';
    },
  };
}

/** Imports of the generated data modules become relative imports of their dist/ ESM copies. */
function sharedData() {
  const map = new Map(Object.entries(SHARED_DATA).map(([src, out]) => [resolve(src), resolve(out)]));
  return {
    name: "shared-data",
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".")) return null;
      const target = map.get(resolve(importer, "..", source.replace(/\.js$/, ".ts")));
      if (!target) return null;
      // A missing file would surface only when a page loads: fail the build instead.
      readFileSync(target);
      return { id: target, external: "absolute" };
    },
    // Rendered relative to each output module (they sit at different depths of dist/browser/).
    renderChunk(code, chunk) {
      let out = code;
      for (const target of map.values()) {
        const rel = relative(dirname(join(DIST, "browser", chunk.fileName)), target);
        out = out.split(JSON.stringify(target)).join(JSON.stringify(rel.startsWith(".") ? rel : `./${rel}`));
        out = out.split(`'${target}'`).join(`'${rel.startsWith(".") ? rel : `./${rel}`}'`);
      }
      return out === code ? null : { code: out, map: null };
    },
  };
}


/** Fails the build if any output still imports a bare specifier (node:..., a package). */
function noBareImports() {
  return {
    name: "no-bare-imports",
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== "chunk") continue;
        const shared = new Set(Object.values(SHARED_DATA).map((out) => resolve(out))); // rendered relative (sharedData)
        const bare = [...file.imports, ...file.dynamicImports].filter((s) => !s.startsWith(".") && !bundle[s] && !shared.has(s));
        if (bare.length) this.error(`${file.fileName} imports ${bare.join(", ")}: browser bundles must be self-contained`);
      }
    },
  };
}

/** The generated hex module of the WASM core's parts (scripts/embed.mjs) and the constants it exports. */
const CORE_HEX = { "core-bytes.js": ["CTR_CORE_WASM_HEX", "GF_WASM_HEX", "REST_WASM_HEX", "GHASH_WASM_HEX"] };

/**
 * The CommonJS dist/cjs/wasm/core-bytes.js reads the hex from its ES module
 * dist/wasm/core-bytes.js (two directories up) instead of carrying a second copy. Node, Bun
 * and Deno read it from the installed package; a bundler that inlines CommonJS but not this
 * file gets the error below (bundle the ES module build instead: it embeds the bytes).
 */
function coreBytesFromEsm() {
  const byFile = new Map(Object.entries(CORE_HEX).map(([file, names]) => [join(DIST, "wasm", file), { file, names }]));
  return {
    name: "core-bytes-from-esm",
    load(id) {
      const core = byFile.get(id);
      if (!core) return null;
      const { file, names } = core;
      const source = readFileSync(id, "utf8");
      for (const name of names) if (!new RegExp(`${name} = "[0-9a-f]+";`).test(source)) this.error(`${id} does not hold ${name}`);
      return [
        `import { readFileSync } from "node:fs";`,
        `import { join } from "node:path";`,
        `// The CommonJS build reads the one copy of this WASM module, the ES module ../../wasm/${file}.`,
        `const file = join(__dirname, "../../wasm/${file}");`,
        `let text;`,
        `try {`,
        `  text = readFileSync(file, "utf8");`,
        `} catch (e) {`,
        `  throw new Error(\`aes-wasm (CommonJS build) reads its WASM core from \${file}: \${e.message}. If this code was bundled, bundle the ES module build (import "aes-wasm"), which embeds it.\`);`,
        `}`,
        `const hex = (name) => {`,
        `  const m = new RegExp(name + ' = "([0-9a-f]+)";').exec(text);`,
        `  if (!m) throw new Error(\`aes-wasm: \${file} does not hold \${name}\`);`,
        `  return m[1];`,
        `};`,
        ...names.map((name) => `export const ${name} = hex("${name}");`),
      ].join("\n");
    },
  };
}

function* declarations(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!["cjs", "browser", "cli"].includes(relative(DIST, path))) yield* declarations(path);
    } else if (e.name.endsWith(".d.ts")) yield path;
  }
}

/** dist/cjs/package.json ("type": "commonjs") and a copy of every .d.ts, read as CommonJS there. */
function cjsPackage() {
  return {
    name: "cjs-package",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "package.json", source: '{\n  "type": "commonjs"\n}\n' });
      for (const file of declarations(DIST)) {
        this.emitFile({ type: "asset", fileName: relative(DIST, file), source: readFileSync(file, "utf8") });
      }
    },
  };
}

/**
 * The browser entries' own file names (dist/browser/<name>.js), by source module. The worker
 * script keeps its place, dist/browser/parallel/web-worker.js: web-platform.js, beside it,
 * loads it with new URL("./web-worker.js", import.meta.url).
 */
const ENTRY_FILE = new Map(Object.entries(ENTRIES).map(([name, src]) => [resolve(src), name === "web-worker" ? "parallel/web-worker.js" : `${name}.js`]));

const browser = {
  input: ENTRIES,
  output: {
    dir: "dist/browser",
    format: "es",
    // One output module per source module, so a bundler drops whole modules an app does not
    // use ("sideEffects"), with their top-level code (e.g. opaque(...) on the mode classes);
    // in one big chunk that code would keep every mode class alive. The entries keep their
    // names at the top.
    preserveModules: true,
    preserveModulesRoot: "src",
    entryFileNames: (chunk) => ENTRY_FILE.get(chunk.facadeModuleId) ?? "[name].js",
    sourcemap: false,
  },
  // ES2022 output keeps class fields and top-level await as written; every current browser runs it.
  plugins: [
    cleanOutput("dist/browser"),
    noNodeGlue(),
    sharedData(),
    typescript({
      tsconfig: "./tsconfig.json",
      compilerOptions: { noEmit: false, declaration: false, outDir: "dist/browser", rootDir: "src", sourceMap: false },
      noEmitOnError: true,
    }),
    noBareImports(),
  ],
  treeshake: { moduleSideEffects: false },
};

const cjs = {
  input: Object.fromEntries(CJS_ENTRIES.map((name) => [name, `dist/${name}.js`])),
  external: (id) => id.startsWith("node:"),
  output: {
    dir: "dist/cjs",
    format: "cjs",
    preserveModules: true,
    preserveModulesRoot: "dist",
    entryFileNames: "[name].js",
    exports: "named",
    generatedCode: "es2015",
    sourcemap: false,
  },
  plugins: [cleanOutput("dist/cjs"), coreBytesFromEsm(), cjsPackage()],
  // Module for module, as tsc wrote them (keeps the modules' own top-level code, e.g. the worker's).
  treeshake: false,
};

export default [browser, cjs];
