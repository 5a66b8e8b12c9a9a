// Messages between the pool and its workers. Data never travels inside a message by copy:
// `buffer` is a SharedArrayBuffer both sides see, or an ArrayBuffer moved in the transfer list.
import type { Op } from "./ops.js";
import type { WasmModuleLike } from "../host-types.js";

export type ToWorker =
  /** Sent once per worker: the compiled parts of the core (the CTR core first), instantiated there. */
  | { type: "init"; modules: WasmModuleLike[] }
  /** Run `op` in place over buffer[offset, offset + length). */
  | {
    type: "task";
    id: number;
    op: Op;
    key: Uint8Array;
    /**
     * The 16-byte register for this piece: IV, counter block or previous ciphertext block; XTS:
     * the tweak of its first data unit; OCB: the formatted nonce block (public).
     */
    state: Uint8Array | null;
    counterBits: number;
    /** XTS (one data unit) and OCB: the number of the piece's first block in its message (public). */
    firstBlock: number;
    /** XTS: the sector size when the piece is whole sectors (tweaks counting up from `state`), 0 for part of one data unit. */
    unit: number;
    buffer: SharedArrayBuffer | ArrayBuffer;
    offset: number;
    length: number;
  }
  /** Wipe key schedules and state, then answer "closed". */
  | { type: "close" };

export type FromWorker =
  | { type: "ready" }
  /** `checksum` (OCB): the XOR of the piece's plaintext blocks, 16 bytes, moved in the transfer list. */
  | { type: "done"; id: number; buffer?: ArrayBuffer; checksum?: ArrayBuffer }
  | { type: "failed"; id: number; message: string }
  | { type: "init-failed"; message: string }
  | { type: "closed" };
