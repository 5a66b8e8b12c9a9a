// Browser bundles (dist/browser/): ES modules with the WASM core embedded, no bare imports,
// loadable straight from a static server with <script type="module">, and tree-shakable by
// bundlers ("sideEffects": false). The Node build and the type declarations come from tsc
// (dist/, `npm run build`); these bundles share those .d.ts files.
//
// One entry per concern, so an app pays only for what it imports: the core API, the
// WebCrypto-shaped facade, the worker pool (plus its worker script) and the self-test. Code
// they share lands in chunks next to them.
import typescript from "@rollup/plugin-typescript";

const ENTRIES = {
  index: "src/index.ts",
  subtle: "src/subtle/index.ts",
  parallel: "src/parallel/pool.ts",
  selftest: "src/selftest/run.ts",
  // Loaded by the pool with new URL("./web-worker.js", import.meta.url): it must sit next to
  // the chunk holding the pool, which is this same directory.
  "web-worker": "src/parallel/web-worker.ts",
};

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

/** Fails the build if any output still imports a bare specifier (node:..., a package). */
function noBareImports() {
  return {
    name: "no-bare-imports",
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== "chunk") continue;
        const bare = [...file.imports, ...file.dynamicImports].filter((s) => !s.startsWith(".") && !bundle[s]);
        if (bare.length) this.error(`${file.fileName} imports ${bare.join(", ")}: browser bundles must be self-contained`);
      }
    },
  };
}

export default {
  input: ENTRIES,
  output: {
    dir: "dist/browser",
    format: "es",
    entryFileNames: "[name].js",
    // Chunks stay in this directory: the pool finds web-worker.js relative to its own chunk.
    chunkFileNames: "[name]-[hash].js",
    // The embedded WASM core and its loader get one clearly named chunk.
    manualChunks: (id) => (id.includes("/src/wasm/") || id.includes("/src/reference/") ? "core" : undefined),
    sourcemap: true,
  },
  // ES2022 output keeps class fields and top-level await as written; every current browser runs it.
  plugins: [
    noNodeGlue(),
    typescript({
      tsconfig: "./tsconfig.json",
      compilerOptions: { noEmit: false, declaration: false, outDir: "dist/browser", rootDir: "src", sourceMap: true },
      noEmitOnError: true,
    }),
    noBareImports(),
  ],
  treeshake: { moduleSideEffects: false },
};
