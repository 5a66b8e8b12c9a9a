// `aes-wasm --version`: the version in the package's own package.json (shipped with dist/).
import { readFileSync } from "node:fs";

export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
