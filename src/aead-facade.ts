// What the node:crypto-shaped AEAD objects share (GCM, OCB; CCM's one-update rules differ): the
// name matcher createCipheriv asks on every call, and the base that owns the key, forwards
// setAAD/update/final to the mode's stream and wipes the key at final().
import { StateError } from "./errors.js";
import type { AesKey } from "./key.js";

/**
 * A matcher for `aes-{128,192,256}-<mode>` in any letter case: the key bits, or undefined.
 * createCipheriv asks every matcher on every call, so answers are remembered (bounded: names
 * come from code, not data).
 */
export function aeadNameBits(mode: string): (name: unknown) => 128 | 192 | 256 | undefined {
  const pattern = new RegExp(`^aes-(128|192|256)-${mode}$`, "i");
  const seen = new Map<string, 128 | 192 | 256 | 0>();
  return (name) => {
    if (typeof name !== "string") return undefined;
    let bits = seen.get(name);
    if (bits === undefined) {
      const m = pattern.exec(name);
      bits = m ? (Number(m[1]) as 128 | 192 | 256) : 0;
      if (seen.size < 64) seen.set(name, bits);
    }
    return bits || undefined;
  };
}

export interface AeadStream {
  setAAD(aad: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

/** Owns `aes` (made for this object alone) and the stream made from it; final() wipes the key. */
export abstract class AeadFacade<S extends AeadStream> {
  protected readonly stream: S;
  readonly #key: AesKey;
  #done = false;

  constructor(aes: AesKey, makeStream: (aes: AesKey) => S) {
    this.#key = aes;
    try {
      this.stream = makeStream(aes);
    } catch (e) {
      aes.dispose();
      throw e;
    }
  }

  /** Adds associated data (GCM: before the first update(); OCB: any time before final()). */
  setAAD(aad: Uint8Array, _options?: { plaintextLength?: number }): this {
    this.open();
    this.stream.setAAD(aad);
    return this;
  }

  update(data: Uint8Array): Uint8Array {
    this.open();
    return this.stream.update(data);
  }

  final(): Uint8Array {
    this.open();
    this.#done = true;
    try {
      return this.stream.final();
    } finally {
      this.#key.dispose();
    }
  }

  /** Accepted for node:crypto compatibility; these modes have no padding. */
  setAutoPadding(_autoPadding = true): this {
    this.open();
    return this;
  }

  protected get done(): boolean {
    return this.#done;
  }

  protected open(): void {
    if (this.#done) throw new StateError("cipher already finished: final() was called");
  }
}
