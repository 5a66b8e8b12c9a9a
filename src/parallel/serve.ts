// What runs inside a worker, for Node worker_threads and Web Workers alike (the entry files
// only connect it to their port). The worker instantiates the core from the compiled parts it is
// sent once (no WASM bytes of its own), keeps a few expanded keys between tasks, and runs each task in place through its own
// IO window: one copy in, one kernel call, one copy out per 64 KiB. XTS and OCB pieces have
// their own runners (xts-split.ts, ocb-split.ts); an OCB piece answers with its checksum part.
import { counterMask } from "../counter.js";
import type { CoreKernels } from "../wasm/abi.js";
import { instantiateWasm } from "../wasm/instantiate.js";
import { Core } from "../wasm/core.js";
import type { ModeOp } from "./ops.js";
import { allocOcbSlot, runOcbPiece } from "./ocb-split.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { runXtsPiece } from "./xts-split.js";

export interface WorkerPort {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
}

type Kernel = (k: CoreKernels, key: number, state: number, io: number, n: number) => void;

const KERNELS: Record<ModeOp, Kernel> = {
  "ecb-enc": (k, key, _s, io, n) => k.ecbEncrypt(key, io, n),
  "ecb-dec": (k, key, _s, io, n) => k.ecbDecrypt(key, io, n),
  "cbc-enc": (k, key, s, io, n) => k.cbcEncrypt(key, s, io, n),
  "cbc-dec": (k, key, s, io, n) => k.cbcDecrypt(key, s, io, n),
  "cfb-enc": (k, key, s, io, n) => k.cfbEncrypt(key, s, io, n),
  "cfb-dec": (k, key, s, io, n) => k.cfbDecrypt(key, s, io, n),
  "cfb8-enc": (k, key, s, io, n) => k.cfb8Encrypt(key, s, io, n),
  "cfb8-dec": (k, key, s, io, n) => k.cfb8Decrypt(key, s, io, n),
  "cfb1-enc": (k, key, s, io, n) => k.cfb1Encrypt(key, s, io, n),
  "cfb1-dec": (k, key, s, io, n) => k.cfb1Decrypt(key, s, io, n),
  ofb: (k, key, s, io, n) => k.ofb(key, s, io, n),
  ctr: (k, key, s, io, n) => k.ctr(key, s, io, n),
};

/** Expanded keys kept between tasks; a job normally sends the same key with every piece. */
const KEY_CACHE_SIZE = 4;

interface CachedKey {
  bytes: Uint8Array;
  slot: number;
}

/** Returns the message handler for one worker. */
export function serve(port: WorkerPort): (message: ToWorker) => void {
  let core: Core | undefined;
  let state = 0;
  /** The OCB slot, allocated for the first OCB piece (wiped after every piece). */
  let ocb = 0;
  const keys: CachedKey[] = [];

  function keySlot(c: Core, bytes: Uint8Array): number {
    const i = keys.findIndex((k) => equal(k.bytes, bytes));
    if (i >= 0) {
      const hit = keys.splice(i, 1)[0];
      keys.unshift(hit);
      return hit.slot;
    }
    if (keys.length >= KEY_CACHE_SIZE) {
      const old = keys.pop()!;
      old.bytes.fill(0);
      c.release(old.slot, c.layout.KEY_SLOT_SIZE);
    }
    const slot = c.allocKeySlot();
    c.mem.set(bytes, c.io);
    c.k.expandKey(slot, c.io, bytes.length);
    c.mem.fill(0, c.io, c.io + bytes.length);
    keys.unshift({ bytes: bytes.slice(), slot });
    return slot;
  }

  /** Runs a task in place; returns an OCB piece's checksum part (to be transferred). */
  function run(c: Core, t: Extract<ToWorker, { type: "task" }>): ArrayBuffer | undefined {
    if (t.op === "xts-enc" || t.op === "xts-dec") {
      const half = t.key.length / 2;
      const k1 = keySlot(c, t.key.subarray(0, half));
      const k2 = keySlot(c, t.key.subarray(half));
      t.key.fill(0);
      try {
        runXtsPiece(c, k1, k2, state, new Uint8Array(t.buffer, t.offset, t.length), t.state!, t.firstBlock, t.unit, t.op === "xts-dec");
      } finally {
        c.k.wipe(c.io, Math.min(c.ioSize, t.length));
      }
      return undefined;
    }
    if (t.op === "ocb-enc" || t.op === "ocb-dec") {
      const key = keySlot(c, t.key);
      t.key.fill(0);
      if (ocb === 0) ocb = allocOcbSlot(c);
      return runOcbPiece(c, key, ocb, new Uint8Array(t.buffer, t.offset, t.length), t.state!, t.firstBlock, t.op === "ocb-dec");
    }
    runMode(c, t, t.op);
    return undefined;
  }

  function runMode(c: Core, t: Extract<ToWorker, { type: "task" }>, op: ModeOp): void {
    const key = keySlot(c, t.key);
    t.key.fill(0); // this worker's copy of the raw key is no longer needed
    const { STATE_REG, STATE_CTR_MASK, STATE_SLOT_SIZE } = c.layout;
    c.mem.fill(0, state, state + STATE_SLOT_SIZE);
    if (t.state) c.mem.set(t.state, state + STATE_REG);
    if (op === "ctr") c.mem.set(counterMask(t.counterBits), state + STATE_CTR_MASK);
    const kernel = KERNELS[op];
    const unitsPerByte = op === "cfb1-enc" || op === "cfb1-dec" ? 8 : 1;
    const view = new Uint8Array(t.buffer, t.offset, t.length);
    const { io, ioSize, k } = c;
    for (let off = 0; off < t.length; off += ioSize) {
      const n = Math.min(ioSize, t.length - off);
      const mem = c.mem;
      mem.set(view.subarray(off, off + n), io);
      kernel(k, key, state, io, n * unitsPerByte);
      view.set(mem.subarray(io, io + n), off);
    }
    c.mem.fill(0, state, state + STATE_SLOT_SIZE);
    c.mem.fill(0, io, io + Math.min(ioSize, t.length)); // the piece's last window of plain- or ciphertext
  }

  function wipe(c: Core): void {
    for (const k of keys) {
      k.bytes.fill(0);
      c.release(k.slot, c.layout.KEY_SLOT_SIZE);
    }
    keys.length = 0;
    if (ocb !== 0) c.release(ocb, c.layout.OCB_SLOT_SIZE);
    ocb = 0;
    c.mem.fill(0, c.io, c.io + c.ioSize);
  }

  return (message) => {
    switch (message?.type) {
      case "init":
        try {
          core = new Core(instantiateWasm(message.modules as WebAssembly.Module[]), "wasm");
          state = core.allocStateSlot();
          port.post({ type: "ready" });
        } catch (e) {
          port.post({ type: "init-failed", message: (e as Error).message });
        }
        return;
      case "task": {
        let checksum: ArrayBuffer | undefined;
        try {
          if (!core) throw new Error("task before init");
          checksum = run(core, message);
        } catch (e) {
          if (core) {
            core.mem.fill(0, core.io, core.io + core.ioSize);
            core.mem.fill(0, state, state + core.layout.STATE_SLOT_SIZE);
            if (ocb !== 0) core.mem.fill(0, ocb, ocb + core.layout.OCB_SLOT_SIZE);
          }
          port.post({ type: "failed", id: message.id, message: (e as Error).message });
          return;
        }
        const transfer: ArrayBuffer[] = [];
        const done: FromWorker = { type: "done", id: message.id };
        if (message.buffer instanceof ArrayBuffer) {
          done.buffer = message.buffer;
          transfer.push(message.buffer);
        }
        if (checksum) {
          done.checksum = checksum; // moved, not copied: no copy of it stays in this worker
          transfer.push(checksum);
        }
        try {
          port.post(done, transfer);
        } finally {
          if (checksum && checksum.byteLength !== 0) new Uint8Array(checksum).fill(0); // not moved: wipe
        }
        return;
      }
      case "close":
        if (core) wipe(core);
        port.post({ type: "closed" });
        return;
    }
  };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
