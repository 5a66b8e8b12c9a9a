// Reading caller-supplied option objects without the prototype chain. `options.random ?? ...`
// also finds a `random` that some other code set on Object.prototype, so a polluted prototype
// could hand NonceSource an all-zero random part and a clock of its choosing, or a store a
// `staleLockMs` of 0. Options are therefore read from own properties only (Object.hasOwn),
// into null-prototype copies; numbers are checked to be finite integers in range, flags to be
// booleans, callbacks to be functions, with typed errors (StateError for a bad value,
// InputTypeError for a wrong type). Used by src/nonce and src/cli.
import { InputTypeError, StateError } from "../errors.js";
import { pickOwn } from "../own.js";

export { own, bare } from "../own.js";

/**
 * The listed own properties of an options argument, in a null-prototype object (each read
 * once, so a getter cannot answer differently to the check and to the use). undefined means no
 * options; anything else that is not an object is an InputTypeError.
 */
export function ownOptions<K extends string>(o: unknown, keys: readonly K[], what: string): { [P in K]?: unknown } {
  if (o === undefined) return pickOwn({}, keys);
  if (o === null || typeof o !== "object") throw new InputTypeError(`${what} must be an object, got ${o === null ? "null" : typeof o}`);
  return pickOwn(o, keys);
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
