// bench: the repository's short benchmark (bench/quick.mjs: AES-128 CTR and CBC against
// node:crypto and @noble/ciphers, one run, ratios). bench/ and the peers are development
// files, not part of the installed package, so they are imported at run time and a clear
// message says what is missing instead of a stack trace.
import { backend, readySync } from "../wasm/backend.js";
import { BenchUnavailableError } from "./errors.js";

interface QuickBench {
  quickBench(options: { log: (line: string) => void }): Promise<{ rows: unknown[]; message: unknown[] }>;
}

export async function benchCommand(json: boolean, print: (line: string) => void): Promise<void> {
  const url = new URL("../../bench/quick.mjs", import.meta.url);
  let mod: QuickBench;
  try {
    mod = (await import(url.href)) as QuickBench;
  } catch (e) {
    throw new BenchUnavailableError(
      "the benchmark runs from a source checkout (bench/quick.mjs with the dev dependencies @noble/ciphers, aes-js, " +
      "crypto-js, asmcrypto.js and tinybench); it is not shipped in the package. In a checkout: npm install && " +
      `npm run build && npx aes-wasm bench. (${(e as Error).message.split("\n")[0]})`);
  }
  readySync();
  if (json) {
    const result = await mod.quickBench({ log: () => {} });
    print(JSON.stringify({ node: process.version, backend: backend(), ...result }, null, 2));
  } else {
    await mod.quickBench({ log: print });
  }
}
