// Runs a suite once per backend: the WASM core and the pure-TypeScript reference core.
// Keys bind to the backend active when they are made, so each suite switches in beforeAll.
import { beforeAll, describe } from "vitest";
import "../../src/fallback.js"; // the 'js' backend is opt-in outside the Node entry (src/fallback.ts)
import { useBackend, type BackendKind } from "../../src/index.js";

export const BACKENDS: BackendKind[] = ["wasm", "js"];

export function describeEachBackend(name: string, fn: (backend: BackendKind) => void): void {
  for (const backend of BACKENDS) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(() => useBackend(backend));
      fn(backend);
    });
  }
}
