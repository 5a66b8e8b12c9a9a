// Picks and starts the backend: the WASM core when WebAssembly (with SIMD) can be compiled
// here, else the pure-TypeScript reference core if the app loaded it ("aes-wasm/fallback";
// the Node entry always does). The reference core is not imported here, so bundles that do
// not ask for it do not carry it.
//
// The WASM core comes in tiers, so that a bundle carries only the kernels it can call
// (scripts/embed.mjs makes them from the one build): the CTR core (keys, single blocks, CTR and
// what GCM needs besides GHASH) is imported here; src/mode-functions/gcm.ts registers the GHASH
// module, instantiated on the CTR core's memory; AesKey (src/key.ts) and the other mode
// functions register the full core, which then replaces both for every key made from then on.
// Registrations run when those modules load, so normally before the first key. Each tier's
// module is compiled once and cached (workers are given the full core's compiled module).
import type { BackendKind, CoreInstance, CoreKernels, CoreLayout } from "./abi.js";
import { Core } from "./core.js";
import { CTR_CORE_WASM_HEX } from "./core-ctr-bytes.js";
import { BackendError } from "../errors.js";

/** Where the fallback is, for error messages. */
const LOAD_FALLBACK = 'import "aes-wasm/fallback" once (e.g. in the app\'s entry module) to use the pure-JS fallback';

let active: Core | undefined;
let createReference: (() => CoreInstance) | undefined;
let wasmFailure: string | undefined;
let referenceCore: Core | undefined;
/** The hex of the full core and of the GHASH module, once registered. */
let fullHex: string | undefined;
let ghashHex: string | undefined;
const compiled = new Map<string, WebAssembly.Module>();
/** The WASM cores started: the CTR one (perhaps with GHASH added), and the full one. */
let ctrCore: Core | undefined;
let fullCore: Core | undefined;

/** Makes the reference core available as the "js" backend (src/fallback.ts). Idempotent. */
export function registerReferenceCore(create: () => CoreInstance): void {
  createReference ??= create;
}

/** Makes every kernel available: keys made from now on use the full core (src/key.ts). Idempotent. */
export function registerFullCore(hex: string): void {
  fullHex ??= hex;
}

/** Adds GHASH (ghashSetup, ghash) to the CTR core (src/mode-functions/gcm.ts). Idempotent. */
export function registerGhash(hex: string): void {
  ghashHex ??= hex;
  if (ctrCore) addGhash(ctrCore);
}

/** Whether `core` has every kernel (the full WASM core, or the reference core). @internal */
export function isFullCore(core: Core): boolean {
  return core !== ctrCore;
}

/** The bytes of the core wasmModule() compiles: the full one if registered, else the CTR core. */
export function wasmBytes(): Uint8Array {
  return fromHex(fullHex ?? CTR_CORE_WASM_HEX);
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

/** The compiled core (compiled on first use), e.g. to post to a worker. @internal */
export function wasmModule(): WebAssembly.Module {
  return compile(fullHex ?? CTR_CORE_WASM_HEX);
}

/** GHASH's kernels, from their own module on the CTR core's memory, join the CTR core's. */
function addGhash(core: Core): void {
  const k = core.k as unknown as Record<string, unknown>;
  if (!ghashHex || typeof k.ghash === "function") return;
  const ext = new WebAssembly.Instance(compile(ghashHex), { env: { memory: core.wasmMemory as WebAssembly.Memory } }).exports;
  k.ghashSetup = ext.ghashSetup;
  k.ghash = ext.ghash;
}

/** Instantiates the core from a compiled module; cheap (tens of microseconds). @internal */
export function instantiateWasm(module: WebAssembly.Module): CoreInstance {
  const instance = new WebAssembly.Instance(module, {});
  const x = instance.exports as unknown as CoreKernels & Record<string, WebAssembly.Global> & { memory: WebAssembly.Memory };
  const layout = {} as CoreLayout;
  for (const name of LAYOUT_NAMES) layout[name] = x[name].value as number;
  // A plain object, not the frozen exports: the GHASH module's kernels may join it (addGhash).
  return { kernels: { ...x }, memory: x.memory, layout };
}

const LAYOUT_NAMES: (keyof CoreLayout)[] = [
  "IO", "IO_SIZE", "KEY_SLOT_SIZE", "STATE_SLOT_SIZE", "KEY_ENC", "KEY_DEC", "KEY_ROUNDS", "KEY_RAW",
  "STATE_REG", "STATE_KS", "STATE_CTR_MASK", "STATE_POS", "OCB_SLOT_SIZE",
];

function start(kind: BackendKind): Core {
  if (kind === "js") {
    if (!createReference) throw new BackendError(`the 'js' backend is not loaded: ${LOAD_FALLBACK}`);
    return (referenceCore ??= new Core(createReference(), "js"));
  }
  if (fullCore) return fullCore;
  if (ctrCore && !fullHex) return ctrCore;
  let core: Core;
  try {
    core = new Core(instantiateWasm(compile(fullHex ?? CTR_CORE_WASM_HEX)), "wasm");
    if (fullHex) fullCore = core;
    else addGhash((ctrCore = core));
  } catch (e) {
    wasmFailure = (e as Error).message;
    throw new BackendError(`WebAssembly with SIMD is unavailable here (${wasmFailure})`);
  }
  return core;
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
  const hexes = [fullHex ?? CTR_CORE_WASM_HEX, ...(fullHex || !ghashHex ? [] : [ghashHex])];
  if (!active) {
    try {
      for (const hex of hexes) if (!compiled.has(hex)) compiled.set(hex, await WebAssembly.compile(fromHex(hex) as BufferSource));
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

/** The active core, started on first use; the full WASM core once registered (new keys go there). */
export function activeCore(): Core {
  if (!active) readySync();
  else if (fullHex && active === ctrCore) active = start("wasm");
  return active!;
}
