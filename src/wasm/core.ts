// A running backend: its kernels, a byte view of its memory, and the allocator of key and
// state slots. Slots come from free lists, then from a bump pointer above heapBase(); memory
// grows by whole pages only here, so this is the one place views are rebuilt.
import type { BackendKind, CoreInstance, CoreKernels, CoreLayout } from "./abi.js";

const PAGE = 65536;

export class Core {
  readonly kind: BackendKind;
  readonly k: CoreKernels;
  readonly layout: CoreLayout;
  readonly io: number;
  readonly ioSize: number;
  /** Byte view of the whole memory; replaced when memory grows. */
  mem: Uint8Array;
  private readonly memory: CoreInstance["memory"];
  private top: number;
  private readonly free = new Map<number, number[]>();
  private slotsInUse = 0;

  constructor(instance: CoreInstance, kind: BackendKind) {
    this.kind = kind;
    this.k = instance.kernels;
    this.layout = instance.layout;
    this.memory = instance.memory;
    this.io = instance.layout.IO;
    this.ioSize = instance.layout.IO_SIZE;
    this.mem = new Uint8Array(this.memory.buffer);
    this.top = align(this.k.heapBase() >>> 0, 64);
  }

  /**
   * A key block: a key slot followed by one state slot that the key lends to its first live
   * stream, so the common one-key-one-stream case allocates (and tracks) one block, not two.
   */
  get keyBlockSize(): number {
    return this.layout.KEY_SLOT_SIZE + this.layout.STATE_SLOT_SIZE;
  }

  allocKeyBlock(): number {
    return this.alloc(this.keyBlockSize);
  }

  /** A bare key slot (for callers that manage state slots themselves, e.g. pool workers). */
  allocKeySlot(): number {
    return this.alloc(this.layout.KEY_SLOT_SIZE);
  }

  allocStateSlot(): number {
    return this.alloc(this.layout.STATE_SLOT_SIZE);
  }

  /** A GCM slot (GHASH accumulator and table) of gcmSlotSize() bytes; release with that size. */
  get gcmSlotSize(): number {
    return this.k.gcmSlotSize() >>> 0;
  }

  allocGcmSlot(): number {
    return this.alloc(this.gcmSlotSize);
  }

  /** An OCB slot (layout.OCB_SLOT_SIZE bytes, the core's own format); release with that size. */
  allocOcbSlot(): number {
    return this.alloc(this.layout.OCB_SLOT_SIZE);
  }

  /** Zeroes a slot (key material, chaining state) and returns it to its free list. */
  release(ptr: number, size: number): void {
    this.k.wipe(ptr, size);
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(ptr);
    this.slotsInUse--;
  }

  /** @internal The memory itself, for the parts added on it (GHASH and the rest, on the CTR core). */
  get wasmMemory(): CoreInstance["memory"] {
    return this.memory;
  }

  /** Serialises to its kind only: `mem` is the whole WASM memory (other keys' round keys). */
  toJSON(): { type: string; kind: BackendKind } {
    return { type: "Core", kind: this.kind };
  }

  /** The same for util.inspect / console.log in Node. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Core { kind: '${this.kind}' }`;
  }

  /** Bytes of memory in total, and slots currently handed out (for leak tests). */
  stats(): { memoryBytes: number; slotsInUse: number } {
    return { memoryBytes: this.memory.buffer.byteLength, slotsInUse: this.slotsInUse };
  }

  private alloc(size: number): number {
    this.slotsInUse++;
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) return reused;
    const ptr = this.top;
    this.top += size;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      this.memory.grow(Math.ceil((this.top - have) / PAGE));
      this.mem = new Uint8Array(this.memory.buffer);
    }
    return ptr;
  }
}

function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
