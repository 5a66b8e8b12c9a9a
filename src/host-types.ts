// The Node and DOM types that the public API names (Buffer, stream.Transform, TransformStream,
// URL, AbortSignal, IDBFactory, WebAssembly.Module), so that the published .d.ts compile in a
// project that has neither @types/node nor lib DOM (a Node project with lib ES2022 and
// skipLibCheck off, as test/types.test.ts compiles one). Each is the host's own type where the
// consumer's globals declare it, read through `typeof globalThis` (a conditional type can test
// for a global that may be missing, a type reference cannot), else a minimal structural stand-in.
// Type-only: nothing here exists at run time, and every import of this file is `import type`.

declare global {
  // An empty interface that merges with @types/node's where it is installed and stands alone
  // where it is not, so that NodeTransform can name Node's stream type in both cases.
  namespace NodeJS {
    interface ReadWriteStream {}
  }
}

/** Whether the consumer has Node's types (@types/node declares `Buffer` and `process` globals). */
type HasNodeTypes = typeof globalThis extends { Buffer: unknown; process: unknown } ? true : false;

/** The encodings Node's Buffer and cipher methods take for strings. */
export type NodeEncoding = "utf8" | "utf-8" | "hex" | "base64" | "base64url" | "latin1" | "binary" | "ascii" | "utf16le" | "utf-16le" | "ucs2" | "ucs-2";

/** Node's Buffer as far as this API's results go without @types/node: bytes that print in an encoding. */
export interface BufferLike extends Uint8Array {
  toString(encoding?: NodeEncoding, start?: number, end?: number): string;
}

/** Node's Buffer where @types/node is installed (what its isBuffer() guards), else BufferLike. */
export type NodeBuffer = typeof globalThis extends { Buffer: { isBuffer(value: any): value is infer B } } ? B : BufferLike;

/** A node:crypto KeyObject, as far as the key argument's type goes (the value is checked when the call runs). */
export interface KeyObjectLike {
  readonly type: string;
  export(): unknown;
}

/** An AbortSignal: the host's where lib DOM or @types/node declares it. */
export type AbortSignalLike = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
};

/** A URL object: the host's where lib DOM or @types/node declares it. */
export type URLLike = typeof globalThis extends { URL: { prototype: infer U } } ? U : {
  readonly href: string;
  readonly protocol: string;
  toString(): string;
};

/** An IDBFactory (window.indexedDB, fake-indexeddb's): the host's where lib DOM declares it. */
export type IDBFactoryLike = typeof globalThis extends { indexedDB: infer F } ? F : {
  open(name: string, version?: number): object;
};

/** A compiled WebAssembly.Module: the host's where lib DOM declares it (@types/node 20 does not). */
export type WasmModuleLike = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;

// ---- Node streams ----

/** The Transform members this API's Node streams offer beyond NodeJS.ReadWriteStream. */
export interface NodeTransformExtras {
  readonly destroyed: boolean;
  destroy(error?: Error): this;
  /** Queues bytes on the readable side (Transform's own implementation hook; users seldom call it). */
  push(chunk: unknown, encoding?: NodeEncoding): boolean;
}

/** A Node stream.Transform without @types/node: what pipe(), events and async iteration need. */
export interface NodeTransformStandIn extends NodeTransformExtras {
  readonly readable: boolean;
  readonly writable: boolean;
  write(chunk: Uint8Array | string, callback?: (error?: Error | null) => void): boolean;
  write(chunk: Uint8Array | string, encoding: NodeEncoding, callback?: (error?: Error | null) => void): boolean;
  end(callback?: () => void): this;
  end(chunk: Uint8Array | string, callback?: () => void): this;
  read(size?: number): BufferLike | string | null;
  pipe<T extends { write(chunk: any): unknown }>(destination: T, options?: { end?: boolean }): T;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  off(event: string | symbol, listener: (...args: any[]) => void): this;
  [Symbol.asyncIterator](): AsyncIterableIterator<BufferLike | string>;
}

/**
 * The Node Transforms this API returns: with @types/node, NodeJS.ReadWriteStream (what pipe()
 * and stream.pipeline() take) with Transform's destroy/push; without it, NodeTransformStandIn.
 */
export type NodeTransform = HasNodeTypes extends true ? NodeJS.ReadWriteStream & NodeTransformExtras : NodeTransformStandIn;

/** The options of a Node Transform that createCipheriv passes on. */
export interface NodeTransformOptions {
  highWaterMark?: number | undefined;
  readableHighWaterMark?: number | undefined;
  writableHighWaterMark?: number | undefined;
  allowHalfOpen?: boolean | undefined;
  emitClose?: boolean | undefined;
  autoDestroy?: boolean | undefined;
  signal?: AbortSignalLike | undefined;
}

/** The constructor of a NodeTransform (the base class of the node:crypto-shaped Cipheriv). */
export type NodeTransformClass = abstract new (options?: object) => NodeTransform;

// ---- WHATWG streams ----

/** A WHATWG TransformStream without lib DOM or @types/node: its two sides, as far as readers and writers go. */
export interface WebTransformStandIn<I, O> {
  readonly readable: {
    readonly locked: boolean;
    getReader(): { read(): Promise<{ done: boolean; value?: O }>; releaseLock(): void; cancel(reason?: unknown): Promise<void> };
    [Symbol.asyncIterator]?(): AsyncIterableIterator<O>;
  };
  readonly writable: {
    readonly locked: boolean;
    getWriter(): { write(chunk: I): Promise<void>; close(): Promise<void>; abort(reason?: unknown): Promise<void>; releaseLock(): void };
  };
}

// Only for `typeof`: the host's TransformStream constructor (lib DOM, @types/node) after a
// stand-in one, so that an instantiation expression can give it type arguments whether or not
// it exists; the last construct signature (the host's, where there is one) decides the type.
declare const streams: { TransformStream: new <I, O>() => WebTransformStandIn<I, O> } & typeof globalThis;
type BytesTransformStreamClass = typeof streams.TransformStream<Uint8Array, Uint8Array>;

/** TransformStream<Uint8Array, Uint8Array>: the host's where its types declare TransformStream, else WebTransformStandIn. */
export type BytesTransformStream = BytesTransformStreamClass extends new (...args: any[]) => infer T ? T : never;
