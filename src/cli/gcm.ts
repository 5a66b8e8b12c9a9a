// The CLI's view of AES-GCM, which lands in the library separately (src/modes/gcm.ts): found
// at run time, so the CLI builds and its other commands work before it exists, and seal/open
// and the -gcm cipher names say plainly why they cannot run yet.
import { AesKey } from "../key.js";
import { UsageError } from "./errors.js";

export const GCM_TAG_BYTES = 16;

export interface GcmOptions {
  aad?: Uint8Array;
  tagLength?: number;
}

/** key.gcm(iv, options): one-shot AEAD. encrypt → ciphertext‖tag; decrypt(ct‖tag) throws DecryptionError on a bad tag. */
export interface GcmMode {
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(ciphertextAndTag: Uint8Array): Uint8Array;
}

/** createCipheriv('aes-256-gcm', …): streaming, node:crypto-shaped. */
export interface GcmStream {
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
  setAAD(aad: Uint8Array): unknown;
  getAuthTag(): Uint8Array;
  setAuthTag(tag: Uint8Array): unknown;
}

type KeyWithGcm = AesKey & { gcm(iv: Uint8Array, options?: GcmOptions): GcmMode };
type GcmFactory = (name: string, key: Uint8Array, iv: Uint8Array, options: { authTagLength: number }) => GcmStream;

export function gcmAvailable(): boolean {
  return typeof (AesKey.prototype as Partial<KeyWithGcm>).gcm === "function";
}

function requireGcm(what: string): void {
  if (!gcmAvailable()) throw new UsageError(`${what} needs AES-GCM, which this build of aes-wasm does not include yet`);
}

export function gcmMode(key: AesKey, iv: Uint8Array, options: GcmOptions, what: string): GcmMode {
  requireGcm(what);
  return (key as KeyWithGcm).gcm(iv, options);
}

/** The facade is loaded only here, on demand: the other commands start without its modules. */
export async function gcmStream(name: string, key: Uint8Array, iv: Uint8Array, encrypt: boolean): Promise<GcmStream> {
  requireGcm(name);
  const { createCipheriv, createDecipheriv } = await import("../facade.js");
  const make = (encrypt ? createCipheriv : createDecipheriv) as unknown as GcmFactory;
  return make(name, key, iv, { authTagLength: GCM_TAG_BYTES });
}
