// "aes-wasm/fallback": loads the pure-TypeScript reference core as the 'js' backend, which
// takes over where WebAssembly with SIMD cannot run (a Content-Security-Policy without
// 'wasm-unsafe-eval', Safari before 16.4) and which useBackend("js") selects. A side-effect
// import, kept out of the root entry so that apps that do not need it do not carry its
// ~12 KB gzipped; the Node entry imports it (it costs nothing there).
import { registerReferenceCore } from "./wasm/backend.js";
import { createReferenceCore } from "./reference/core.js";

registerReferenceCore(createReferenceCore);

/** True once this module has run: the 'js' backend is available. */
export const FALLBACK_LOADED = true;
