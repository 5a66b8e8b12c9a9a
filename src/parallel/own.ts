// Reading caller-supplied objects without the prototype chain. Options and worker answers are
// read only from their own properties, so a polluted Object.prototype (a property set there by
// some other code on the page or in the process) cannot supply an `output`, a `workerUrl`, a
// `padding: false` or a `buffer` the caller never gave. Objects handed on to other code (the
// mode objects, `new Worker`) are built with a null prototype for the same reason.
import { InputTypeError, StateError } from "../errors.js";
import { pickOwn } from "../own.js";

export { own, bare } from "../own.js";

/**
 * The listed own properties of an options argument, in a null-prototype object (each read
 * once). undefined and null mean no options; anything else that is not an object is a
 * StateError.
 */
export function ownOptions<K extends string>(o: unknown, keys: readonly K[], what: string): { [P in K]?: unknown } {
  if (o === undefined || o === null) return pickOwn({}, keys);
  if (typeof o !== "object") throw new StateError(`${what} must be an object, got ${typeof o}`);
  return pickOwn(o, keys);
}

/** An integer from min to max, or a StateError naming the option. */
export function checkInteger(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new StateError(`${what} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** A finite number from min to max, or a StateError naming the option. */
export function checkNumber(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new StateError(`${what} must be a number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "object" && value !== null ? "an object" : String(value);
}

type Getter = (this: unknown) => unknown;
const getter = (proto: object, name: PropertyKey): Getter => Object.getOwnPropertyDescriptor(proto, name)!.get as Getter;
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taTag = getter(TYPED_ARRAY, Symbol.toStringTag);
const taBuffer = getter(TYPED_ARRAY, "buffer");
const taByteOffset = getter(TYPED_ARRAY, "byteOffset");
const taByteLength = getter(TYPED_ARRAY, "byteLength");
const dvBuffer = getter(DataView.prototype, "buffer");
const dvByteOffset = getter(DataView.prototype, "byteOffset");
const dvByteLength = getter(DataView.prototype, "byteLength");

/**
 * A Uint8Array over exactly the caller's memory of any ArrayBufferView (never a copy: the
 * result must reach it), its extent read through the intrinsic getters (a subclass or an own
 * property cannot lie about it). A detached view gives an empty one. InputTypeError otherwise.
 */
export function viewOf(data: unknown, what: string): Uint8Array {
  if (!ArrayBuffer.isView(data)) {
    const got = data === null ? "null" : typeof data;
    throw new InputTypeError(`${what} must be a Uint8Array or another ArrayBufferView, got ${got}`);
  }
  try {
    if (taTag.call(data) !== undefined) {
      return new Uint8Array(taBuffer.call(data) as ArrayBufferLike, taByteOffset.call(data) as number, taByteLength.call(data) as number);
    }
    return new Uint8Array(dvBuffer.call(data) as ArrayBufferLike, dvByteOffset.call(data) as number, dvByteLength.call(data) as number);
  } catch {
    return new Uint8Array(0); // a view of a detached buffer: no room at all
  }
}
