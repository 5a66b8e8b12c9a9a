// Picks and starts the backend: the WASM core when WebAssembly (with SIMD) can be compiled
// here, else the pure-TypeScript reference core if the app loaded it ("aes-wasm/fallback";
// the Node entry always does). The reference core is not imported here, so bundles that do
// not ask for it do not carry it.
//
// The WASM core is one memory and the kernels of up to four parts, so that a bundle carries
// only the kernels it can call, each once (scripts/embed.mjs cuts them from the one build): the
// CTR core (keys, single blocks, CTR and what GCM needs besides GHASH) is imported here;
// src/mode-functions/gcm.ts registers GHASH, and AesKey (src/key.ts) and the other mode
// functions register the rest (every other kernel); either brings GF first (the GF(2^128)
// functions the two share, which they import). A registered part is instantiated on the
// CTR core's memory and its kernels join the core's, at once if the core runs already: every
// key, made before or after, can use them. Each part is compiled once and cached; workers are
// given the compiled parts.
// The hex first: bundlers emit modules in import order, and with the WASM's hex ahead of the
// code rather than after its first few modules, no code is cut off by it from the code it
// repeats (gzip looks back 32 KiB): the "everything" bundle is 0.3 KB smaller.
import { CTR_CORE_WASM_HEX, GF_WASM_HEX } from "./core-bytes.js";
import type { BackendKind, CoreInstance } from "./abi.js";
import { Core } from "./core.js";
import { extendKernels, instantiateWasm } from "./instantiate.js";
import { BackendError } from "../errors.js";

/** Where the fallback is, for error messages. */
const LOAD_FALLBACK = 'import "aes-wasm/fallback" once (e.g. in the app\'s entry module) to use the pure-JS fallback';

let active: Core | undefined;
let createReference: (() => CoreInstance) | undefined;
let wasmFailure: string | undefined;
let referenceCore: Core | undefined;
/** The hex of the CTR core, then of each part registered. */
const parts = [CTR_CORE_WASM_HEX];
/** Whether the rest (every kernel besides the CTR core's and GHASH) is registered. */
let rest = false;
const compiled = new Map<string, WebAssembly.Module>();
/** The WASM core, once started. */
let wasmCore: Core | undefined;

/** Makes the reference core available as the "js" backend (src/fallback.ts). Idempotent. */
export function registerReferenceCore(create: () => CoreInstance): void {
  createReference ??= create;
}

/** Adds a part of the WASM core (its hex) to the CTR core's memory, now or when it starts. Idempotent. */
function registerPart(hex: string): void {
  if (parts.includes(hex)) return;
  parts.push(hex);
  if (wasmCore) extendKernels(wasmCore.k, wasmCore.wasmMemory, compile(hex));
}

/** Adds every kernel besides the CTR core's and GHASH (src/key.ts, src/mode-functions/full.ts). Idempotent. */
export function registerRest(hex: string): void {
  registerPart(GF_WASM_HEX);
  registerPart(hex);
  rest = true;
}

/** Adds GHASH and GCM's fused kernels (src/mode-functions/gcm.ts). Idempotent. */
export function registerGhash(hex: string): void {
  registerPart(GF_WASM_HEX);
  registerPart(hex);
}

/** Whether `core` has every kernel: the reference core, or the WASM core once the rest is registered. @internal */
export function isFullCore(core: Core): boolean {
  return core.kind === "js" || rest;
}

/** Lower-case hex (the embedded module, scripts/embed.mjs) to bytes: ~0.1 ms for the core. */
function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) out[i] = (nibble(hex.charCodeAt(j)) << 4) | nibble(hex.charCodeAt(j + 1));
  return out;
}

/** '0'..'9' is 48..57, 'a'..'f' is 97..102. */
const nibble = (c: number): number => (c & 15) + (c >> 6) * 9;

function compile(hex: string): WebAssembly.Module {
  let m = compiled.get(hex);
  if (!m) compiled.set(hex, (m = new WebAssembly.Module(fromHex(hex) as BufferSource)));
  return m;
}

/** The compiled parts of the core (compiled on first use), the CTR core first, e.g. to post to a worker (instantiateWasm). @internal */
export function wasmModules(): WebAssembly.Module[] {
  return parts.map(compile);
}

function start(kind: BackendKind): Core {
  if (kind === "js") {
    if (!createReference) throw new BackendError(`the 'js' backend is not loaded: ${LOAD_FALLBACK}`);
    return (referenceCore ??= new Core(createReference(), "js"));
  }
  try {
    return (wasmCore ??= new Core(instantiateWasm(wasmModules()), "wasm"));
  } catch (e) {
    wasmFailure = (e as Error).message;
    throw new BackendError(`WebAssembly with SIMD is unavailable here (${wasmFailure})`);
  }
}

/**
 * Starts the fastest backend that works here, synchronously. Idempotent. Throws BackendError
 * where WebAssembly with SIMD is unavailable and the fallback was not loaded.
 */
export function readySync(): BackendKind {
  if (!active) {
    try {
      active = start("wasm");
    } catch (e) {
      if (!createReference) throw new BackendError(`WebAssembly with SIMD is unavailable here (${wasmFailure ?? (e as Error).message}); ${LOAD_FALLBACK}`);
      active = start("js");
    }
  }
  return active.kind;
}

/** Starts the fastest backend that works here, compiling WebAssembly off the main thread. */
export async function ready(): Promise<BackendKind> {
  if (!active) {
    try {
      for (const hex of parts) if (!compiled.has(hex)) compiled.set(hex, await WebAssembly.compile(fromHex(hex) as BufferSource));
    } catch {
      // readySync falls back to the reference core
    }
  }
  return readySync();
}

/** Which backend new keys use: 'wasm' or 'js' (the reference implementation). */
export function backend(): BackendKind {
  return readySync();
}

/**
 * Forces a backend for keys created from now on (tests; or 'js' to avoid WebAssembly).
 * Throws BackendError if it cannot run here.
 */
export function useBackend(kind: BackendKind): void {
  if (kind !== "wasm" && kind !== "js") throw new BackendError(`unknown backend ${JSON.stringify(kind)}`);
  active = start(kind);
}

/** The active core, started on first use. */
export function activeCore(): Core {
  if (!active) readySync();
  return active!;
}
