// Instantiates the WASM core from its compiled parts (scripts/embed.mjs): the CTR core first,
// which owns the memory, then each extension (GHASH, the rest) on that memory, their kernels
// joining the CTR core's. Apart from backend.ts (which holds the embedded hex), so that the
// pool's worker script, given the compiled parts by the main thread, carries none of the hex.
import type { CoreInstance, CoreKernels, CoreLayout } from "./abi.js";

type Exports = WebAssembly.Exports;

/**
 * Adds an extension's kernels (every function it exports), instantiated on `memory`, to
 * `kernels`. It imports the functions it shares with the parts before it (their `shared<i>`
 * exports, among `kernels`) from "core": a null-prototype copy, so that an import missing
 * there fails to link instead of being looked up on a polluted Object.prototype.
 */
export function extendKernels(kernels: CoreKernels, memory: CoreInstance["memory"], module: WebAssembly.Module): void {
  const core = Object.assign(Object.create(null) as WebAssembly.ModuleImports, kernels);
  const env = Object.assign(Object.create(null) as WebAssembly.ModuleImports, { memory: memory as WebAssembly.Memory });
  const ext = new WebAssembly.Instance(module, { env, core }).exports;
  for (const name of Object.keys(ext)) (kernels as unknown as Record<string, Exports[string]>)[name] = ext[name]!;
}

/**
 * The core from its compiled parts: `modules[0]` the CTR core, the others extensions on its
 * memory. Cheap (tens of microseconds per part). @internal
 */
export function instantiateWasm(modules: readonly WebAssembly.Module[]): CoreInstance {
  const x = new WebAssembly.Instance(modules[0]!, {}).exports as unknown as CoreKernels & Record<string, WebAssembly.Global> & { memory: WebAssembly.Memory };
  const layout = {} as CoreLayout;
  for (const name of LAYOUT_NAMES) layout[name] = x[name].value as number;
  // A plain object, not the frozen exports: the extensions' kernels join it.
  const kernels = { ...x } as CoreKernels;
  for (let i = 1; i < modules.length; i++) extendKernels(kernels, x.memory, modules[i]!);
  return { kernels, memory: x.memory, layout };
}

const LAYOUT_NAMES: (keyof CoreLayout)[] = [
  "IO", "IO_SIZE", "KEY_SLOT_SIZE", "STATE_SLOT_SIZE", "KEY_ENC", "KEY_DEC", "KEY_ROUNDS", "KEY_RAW",
  "STATE_REG", "STATE_KS", "STATE_CTR_MASK", "STATE_POS", "OCB_SLOT_SIZE",
];
