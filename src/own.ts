// Reading caller-supplied objects without the prototype chain: the one mechanism behind every
// options reader (src/modes/guard.ts, src/parallel/own.ts, src/nonce/own.ts). A property that
// some other code set on Object.prototype must not stand in for an option the caller never
// gave, so only own properties count, each is read once (a getter cannot answer the check and
// the use differently), and copies handed on have a null prototype.

const hasOwn = Object.hasOwn;

/** `o[key]` if `o` is an object with that own property, else undefined. */
export function own(o: unknown, key: string): unknown {
  if (o === null || (typeof o !== "object" && typeof o !== "function")) return undefined;
  return hasOwn(o as object, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** The listed own properties of the object `o`, each read once, in a null-prototype object. */
export function pickOwn<K extends string>(o: object, keys: readonly K[]): { [P in K]?: unknown } {
  const out = Object.create(null) as { [P in K]?: unknown };
  for (const k of keys) if (hasOwn(o, k)) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

/** A null-prototype copy of `o`: nothing missing from it is looked up on Object.prototype. */
export function bare<T extends object>(o: T): T {
  return Object.assign(Object.create(null) as T, o);
}
