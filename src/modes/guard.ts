// What crosses the API boundary besides bytes (src/bytes.ts has those):
//
// - Options objects are read from their OWN properties only, each once, into a null-prototype
//   copy: a polluted Object.prototype (`Object.prototype.padding = "none"`) must not switch a
//   mode's padding, tag length, segment size or counter width. An inherited value is ignored
//   as if absent. A getter is called once, so a value cannot change between check and use.
// - Key, mode, stream and cipher objects serialise to nothing secret: toJSON() and Node's
//   util.inspect hook return the type and key size only (the objects reach the core, whose
//   memory view would otherwise serialise as the whole WASM memory, round keys included).
import { StateError } from "../errors.js";
import { own, pickOwn } from "../own.js";

/** An options object's own values of `names`, in a null-prototype object (absent ones undefined). */
export function readOptions<T extends object>(options: T | null | undefined, names: readonly (keyof T & string)[], what = "options"): Partial<T> {
  if (options === undefined || options === null) return pickOwn({}, names) as Partial<T>;
  if (typeof options !== "object" && typeof options !== "function") {
    throw new StateError(`${what} must be an object, got ${typeof options}`);
  }
  return pickOwn(options, names) as Partial<T>;
}

/** One own property of `obj` (undefined when absent or inherited). For dictionaries read once per member. */
export function ownValue(obj: object, name: string): unknown {
  return own(obj, name);
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Makes instances of `cls` serialise as `describe(instance)` in JSON.stringify and as
 * `Type { ...fields }` in util.inspect / console.log (Node) — never their internals.
 */
export function opaque<T extends object>(cls: abstract new (...args: never[]) => T, type: string,
  describe: (self: T) => Record<string, string | number | boolean> = () => ({})): void {
  const proto = cls.prototype as Record<PropertyKey, unknown>;
  Object.defineProperty(proto, "toJSON", {
    value: function toJSON(this: T) {
      return { type, ...describe(this) };
    },
    writable: true, configurable: true, enumerable: false,
  });
  Object.defineProperty(proto, INSPECT, {
    value: function inspect(this: T) {
      const fields = Object.entries(describe(this)).map(([k, v]) => `${k}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
      return fields.length ? `${type} { ${fields.join(", ")} }` : `${type} {}`;
    },
    writable: true, configurable: true, enumerable: false,
  });
}
