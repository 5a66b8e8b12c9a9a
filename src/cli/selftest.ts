// selftest: the built-in known answers (FIPS 197 Appendix C, SP 800-38A Appendix F) on the
// WASM core and on the pure-TypeScript reference core; a pass count per source.
import "../fallback.js"; // --backend js: the reference core is opt-in outside the Node entry
import { selfTest } from "../selftest/run.js";
import { backend, readySync, useBackend } from "../wasm/backend.js";
import type { BackendKind } from "../wasm/abi.js";
import { stringOption, type Parsed } from "./args.js";
import { UsageError } from "./errors.js";

/** Returns the number of failures; prints one line per backend and source. */
export function selftestCommand(values: Parsed["values"], print: (line: string) => void): number {
  const which = stringOption(values, "backend") ?? "all";
  if (!["all", "wasm", "js"].includes(which)) throw new UsageError(`--backend must be wasm, js or all, got ${JSON.stringify(which)}`);
  const kinds: BackendKind[] = which === "all" ? ["wasm", "js"] : [which as BackendKind];
  const initial = readySync();
  let passed = 0;
  let total = 0;
  try {
    for (const kind of kinds) {
      useBackend(kind);
      for (const r of selfTest()) {
        print(`[${backend()}] ${r.source}: ${r.passed}/${r.total} passed`);
        for (const f of r.failures) print(`  FAILED: ${f}`);
        passed += r.passed;
        total += r.total;
      }
    }
  } finally {
    useBackend(initial);
  }
  print(`${passed}/${total} known answers passed`);
  return total - passed;
}
