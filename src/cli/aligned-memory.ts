// Page-aligned buffers for the hot paths, so the output file can be written with O_DIRECT
// (output.ts): such writes need the buffer's address, the file offset and the length to be
// multiples of the device's block size. JavaScript cannot see addresses, and an ordinary
// ArrayBuffer is only malloc-aligned (16 bytes: an O_DIRECT write from one fails with EINVAL),
// but a WebAssembly.Memory is mapped in whole pages, so it starts on a page boundary. The
// memories here are not used by any WASM instance, so they never grow and their views never
// detach while a write (on a libuv thread) reads them.

/** The alignment asked of O_DIRECT writes here: the page size, a multiple of every usual logical block size. */
export const DIRECT_ALIGN = 4096;
const WASM_PAGE = 65536;

/** Buffers that start on a page boundary (WeakSet: a dropped arena is not kept alive). */
const aligned = new WeakSet<ArrayBufferLike>();

/**
 * `bytes` zeroed bytes starting on a page boundary (a fresh WebAssembly.Memory, shared when asked,
 * for the worker pool), or an ordinary buffer where a WebAssembly.Memory cannot be had (its
 * address space reservation refused, e.g. under `ulimit -v`): then writes simply take the
 * buffered path.
 */
export function pageAlignedBuffer(bytes: number, shared: false): ArrayBuffer;
export function pageAlignedBuffer(bytes: number, shared: true): SharedArrayBuffer;
export function pageAlignedBuffer(bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  try {
    const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages, maximum: pages });
    aligned.add(memory.buffer);
    return memory.buffer;
  } catch {
    return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
}

/** Whether `view` starts at a DIRECT_ALIGN boundary in memory (known only for pageAlignedBuffer's memories). */
export function startsAligned(view: Uint8Array): boolean {
  return aligned.has(view.buffer) && view.byteOffset % DIRECT_ALIGN === 0;
}
