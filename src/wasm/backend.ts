// Picks and starts the backend: the WASM core when WebAssembly (with SIMD) can be compiled
// here, else the pure-TypeScript reference core if the app loaded it ("aes-wasm/fallback";
// the Node entry always does). The reference core is not imported here, so bundles that do
// not ask for it do not carry it. The module is compiled once and cached, so workers can be
// given the compiled WebAssembly.Module instead of bytes.
import type { BackendKind, CoreInstance, CoreKernels, CoreLayout } from "./abi.js";
import { Core } from "./core.js";
import { CORE_WASM_HEX } from "./core-bytes.js";
import { BackendError } from "../errors.js";

/** Where the fallback is, for error messages. */
const LOAD_FALLBACK = 'import "aes-wasm/fallback" once (e.g. in the app\'s entry module) to use the pure-JS fallback';

let active: Core | undefined;
let compiled: WebAssembly.Module | undefined;
const started = new Map<BackendKind, Core>();
let createReference: (() => CoreInstance) | undefined;
let wasmFailure: string | undefined;

/** Makes the reference core available as the "js" backend (src/fallback.ts). Idempotent. */
export function registerReferenceCore(create: () => CoreInstance): void {
  createReference ??= create;
}

export function wasmBytes(): Uint8Array {
  return fromHex(CORE_WASM_HEX);
}

/** Lower-case hex (the embedded module, scripts/embed.mjs) to bytes: ~0.1 ms for the core. */
function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) out[i] = (nibble(hex.charCodeAt(j)) << 4) | nibble(hex.charCodeAt(j + 1));
  return out;
}

/** '0'..'9' is 48..57, 'a'..'f' is 97..102. */
const nibble = (c: number): number => (c & 15) + (c >> 6) * 9;

/** The compiled core (compiled on first use), e.g. to post to a worker. @internal */
export function wasmModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(wasmBytes() as BufferSource));
}

/** Instantiates the core from a compiled module; cheap (tens of microseconds). @internal */
export function instantiateWasm(module: WebAssembly.Module): CoreInstance {
  const instance = new WebAssembly.Instance(module, {});
  const x = instance.exports as unknown as CoreKernels & Record<string, WebAssembly.Global> & { memory: WebAssembly.Memory };
  const layout = {} as CoreLayout;
  for (const name of LAYOUT_NAMES) layout[name] = x[name].value as number;
  return { kernels: x, memory: x.memory, layout };
}

const LAYOUT_NAMES: (keyof CoreLayout)[] = [
  "IO", "IO_SIZE", "KEY_SLOT_SIZE", "STATE_SLOT_SIZE", "KEY_ENC", "KEY_DEC", "KEY_ROUNDS", "KEY_RAW",
  "STATE_REG", "STATE_KS", "STATE_CTR_MASK", "STATE_POS", "OCB_SLOT_SIZE",
];

function start(kind: BackendKind): Core {
  let core = started.get(kind);
  if (!core) {
    if (kind === "js") {
      if (!createReference) throw new BackendError(`the 'js' backend is not loaded: ${LOAD_FALLBACK}`);
      core = new Core(createReference(), "js");
    } else {
      let instance: CoreInstance;
      try {
        instance = instantiateWasm(wasmModule());
      } catch (e) {
        wasmFailure = (e as Error).message;
        throw new BackendError(`WebAssembly with SIMD is unavailable here (${wasmFailure})`);
      }
      core = new Core(instance, "wasm");
    }
    started.set(kind, core);
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
  if (!active && !compiled) {
    try {
      compiled = await WebAssembly.compile(wasmBytes() as BufferSource);
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
