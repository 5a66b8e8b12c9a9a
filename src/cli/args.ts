// Command-line parsing: one option table per command (node:util parseArgs, strict), so an
// option that a command does not take is an error naming the command, not silently ignored.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

const KEY: Options = {
  key: { type: "string" },
  "key-file": { type: "string" },
};
const IO: Options = {
  in: { type: "string" },
  out: { type: "string" },
  progress: { type: "boolean" },
  "no-progress": { type: "boolean" },
};

export type Command = "encrypt" | "decrypt" | "seal" | "open" | "block" | "selftest" | "bench" | "help";

// Null-prototype tables (and option specs): nothing set on Object.prototype becomes an option.
const table = (o: Options): Options => {
  const t = Object.create(null) as Options;
  for (const [k, v] of Object.entries(o)) t[k] = Object.assign(Object.create(null), v);
  return t;
};

const COMMANDS: Record<Command, Options> = Object.assign(Object.create(null) as Record<Command, Options>, {
  encrypt: table({ ...KEY, ...IO, cipher: { type: "string" }, iv: { type: "string" }, aad: { type: "string" }, "no-pad": { type: "boolean" }, threads: { type: "string" } }),
  decrypt: table({ ...KEY, ...IO, cipher: { type: "string" }, iv: { type: "string" }, aad: { type: "string" }, "no-pad": { type: "boolean" }, threads: { type: "string" } }),
  seal: table({ ...KEY, ...IO, "chunk-size": { type: "string" }, "nonce-store": { type: "string" } }),
  open: table({ ...KEY, ...IO }),
  block: table({ key: { type: "string" }, encrypt: { type: "string" }, decrypt: { type: "string" } }),
  selftest: table({ backend: { type: "string" } }),
  bench: table({ json: { type: "boolean" } }),
  help: table({}),
});

export interface Parsed {
  command: Command;
  /** Option values by long name: strings for valued options, true for flags. */
  values: Record<string, string | boolean | undefined>;
}

export const USAGE = `usage: aes-wasm <command> [options]

  encrypt|decrypt --cipher <name> (--key <hex> | --key-file <path>) [--iv <hex>]
                  [--in <path>|-] [--out <path>|-] [--no-pad] [--threads N] [--aad <hex>]
      Raw mode, byte-compatible with openssl enc -<name> -K <hex> -iv <hex> -nosalt [-nopad].
      Names: aes-{128,192,256}-{ecb,cbc,cfb,cfb8,cfb1,ofb,ctr,gcm}; GCM appends the tag
      and checks it before any output is kept (to stdout or a pipe the plaintext waits in
      memory, at most 64 MiB: use --out <file> or seal/open for more).
  seal --key-file <path> [--in] [--out] [--chunk-size N] [--nonce-store <path>]
  open --key-file <path> [--in] [--out]
      Self-describing AES-256-GCM format in independently authenticated chunks. Key file:
      32 raw bytes, or 64 hex digits and a newline.
  block --key <hex> (--encrypt | --decrypt) <32 hex digits>
  selftest [--backend wasm|js]
  bench [--json]

  Without --in/--out (or with -), stdin/stdout. Output goes to a private (0600) temporary
  file that is renamed into place only on success; an output that is the input or key file
  (also stdout: --in f >> f) is refused. --progress / --no-progress force the progress bar
  (default: on when stderr is a terminal and the input is large).
  Exit codes: 0 success, 1 failure (bad tag, bad padding, damaged input, I/O), 2 usage error.`;

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") return { command: "help", values: Object.create(null) };
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
  const command = name as Command;
  if (rest.includes("--help") || rest.includes("-h")) return { command: "help", values: Object.create(null) };
  try {
    const { values } = parseArgs({ args: rest, options: COMMANDS[command], strict: true, allowPositionals: false });
    // A null-prototype copy of the own values (parseArgs makes one today; this does not rely on it).
    return { command, values: Object.assign(Object.create(null) as Parsed["values"], values) };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** The value of option `name` if `values` has it as an own property (never from the prototype chain). */
export function flagValue(values: Parsed["values"], name: string): string | boolean | undefined {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

/** A positive integer option (e.g. --threads 4); `undefined` when absent. */
export function integerOption(values: Parsed["values"], name: string, min: number, max: number): number | undefined {
  const raw = flagValue(values, name);
  if (raw === undefined) return undefined;
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A boolean flag given on the command line (own property, true). */
export function flagOption(values: Parsed["values"], name: string): boolean {
  return flagValue(values, name) === true;
}

/** A string option, or undefined. */
export function stringOption(values: Parsed["values"], name: string): string | undefined {
  const v = flagValue(values, name);
  return typeof v === "string" ? v : undefined;
}
