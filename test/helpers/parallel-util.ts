// Shared bits of the pool's review tests: node:crypto as the reference, sentinel-filled output
// buffers, and a deadline so that a job the pool forgets fails the test instead of hanging it.
import { createCipheriv, createDecipheriv } from "node:crypto";

export function nodeRun(encrypt: boolean, name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array,
  padding = true): Buffer {
  const c = encrypt ? createCipheriv(name, key, iv) : createDecipheriv(name, key, iv);
  c.setAutoPadding(padding);
  return Buffer.concat([c.update(data), c.final()]);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Rejects with `what` if `p` has not settled within `ms`. */
export function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Settles to the value or the error, so a rejection is handled from the start. */
export function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

export function filled(view: Uint8Array, byte: number): Uint8Array {
  view.fill(byte);
  return view;
}

/** Index of the first byte of `view` that is not `byte`, or -1. */
export function firstNot(view: Uint8Array, byte: number): number {
  for (let i = 0; i < view.length; i++) if (view[i] !== byte) return i;
  return -1;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Records uncaught exceptions and unhandled rejections while `fn` runs (a pool must raise
 * neither from its message handlers); returns what it saw.
 */
export async function watchUncaught(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onError = (e: unknown) => seen.push(e);
  process.on("uncaughtExceptionMonitor", onError);
  process.on("unhandledRejection", onError);
  try {
    await fn();
    await sleep(50);
  } finally {
    process.off("uncaughtExceptionMonitor", onError);
    process.off("unhandledRejection", onError);
  }
  return seen;
}

/** A resizable ArrayBuffer (ES2024; typed loosely: the project's lib is ES2022). */
export interface Resizable extends ArrayBuffer {
  resize(n: number): void;
}

export function resizable(n: number, max = n): Resizable {
  return new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(n, { maxByteLength: max });
}
