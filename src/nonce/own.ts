// Reading caller-supplied option objects without the prototype chain. `options.random ?? ...`
// also finds a `random` that some other code set on Object.prototype, so a polluted prototype
// could hand NonceSource an all-zero random part and a clock of its choosing, or a store a
// `staleLockMs` of 0. Options are therefore read from own properties only (Object.hasOwn),
// into null-prototype copies; numbers are checked to be finite integers in range, flags to be
// booleans, callbacks to be functions, with typed errors (StateError for a bad value,
// InputTypeError for a wrong type). Used by src/nonce and src/cli.
import { InputTypeError, StateError } from "../errors.js";

const hasOwn = Object.hasOwn;

/** `o[key]` if `o` is an object with that own property, else undefined. */
export function own(o: unknown, key: string): unknown {
  if (o === null || (typeof o !== "object" && typeof o !== "function")) return undefined;
  return hasOwn(o as object, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * The listed own properties of an options argument, in a null-prototype object (each read
 * once, so a getter cannot answer differently to the check and to the use). undefined means no
 * options; anything else that is not an object is an InputTypeError.
 */
export function ownOptions<K extends string>(o: unknown, keys: readonly K[], what: string): { [P in K]?: unknown } {
  const out = Object.create(null) as { [P in K]?: unknown };
  if (o === undefined) return out;
  if (o === null || typeof o !== "object") throw new InputTypeError(`${what} must be an object, got ${o === null ? "null" : typeof o}`);
  for (const k of keys) if (hasOwn(o, k)) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

/** A null-prototype copy of `o`, for option objects handed to Node APIs. */
export function bare<T extends object>(o: T): T {
  return Object.assign(Object.create(null) as T, o);
}

export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (value !== null && typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

/** `value` (or `fallback` when undefined): a number that is an integer from min to max, else StateError. */
export function integerOption(value: unknown, fallback: number, min: number, max: number, what: string): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new StateError(`${what} must be an integer from ${min} to ${max}, got ${describeValue(v)}`);
  }
  return v;
}

/** `value` (or `fallback` when undefined): true or false, else InputTypeError. */
export function booleanOption(value: unknown, fallback: boolean, what: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new InputTypeError(`${what} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** `value` (or `fallback` when undefined): a function, else InputTypeError. */
export function functionOption<F>(value: unknown, fallback: F, what: string): F {
  if (value === undefined) return fallback;
  if (typeof value !== "function") throw new InputTypeError(`${what} must be a function, got ${describeValue(value)}`);
  return value as F;
}

/** `value` (or `fallback` when undefined): a non-empty string, else InputTypeError. */
export function stringOption(value: unknown, fallback: string, what: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "") throw new InputTypeError(`${what} must be a non-empty string, got ${describeValue(value)}`);
  return value;
}
