// `npm start`: the known-answer self-test on every backend, then the short benchmark.
import { readySync, useBackend, backend } from "aes-wasm";
import { selfTest } from "aes-wasm/selftest";
import { quickBench } from "../bench/quick.mjs";

console.log(`aes-wasm: default backend here is '${readySync()}'\n`);
let failed = 0;
for (const kind of ["wasm", "js"]) {
  useBackend(kind);
  for (const r of selfTest()) {
    console.log(`self-test [${backend()}] ${r.source}: ${r.passed}/${r.total} passed`);
    for (const f of r.failures) console.log(`  FAILED: ${f}`);
    failed += r.total - r.passed;
  }
}
if (failed) {
  console.error(`\n${failed} known-answer failures: not benchmarking a wrong implementation.`);
  process.exit(1);
}
useBackend("wasm");
await quickBench();
