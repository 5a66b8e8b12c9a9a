// Command-line parsing: one option table per command (node:util parseArgs, strict), so an
// option that a command does not take is an error naming the command, not silently ignored.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { findCipher } from "./ciphers.js";
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

const RAW: Options = {
  cipher: { type: "string" },
  iv: { type: "string" },
  "prepend-iv": { type: "boolean" },
  aad: { type: "string" },
  "no-pad": { type: "boolean" },
  threads: { type: "string" },
};

export type Command = "encrypt" | "decrypt" | "enc" | "seal" | "open" | "cmac" | "block" | "list" | "selftest" | "bench" | "version" | "help";

// Null-prototype tables (and option specs): nothing set on Object.prototype becomes an option.
const table = (o: Options): Options => {
  const t = Object.create(null) as Options;
  for (const [k, v] of Object.entries(o)) t[k] = Object.assign(Object.create(null), v);
  return t;
};

const COMMANDS: Record<Command, Options> = Object.assign(Object.create(null) as Record<Command, Options>, {
  encrypt: table({ ...KEY, ...IO, ...RAW }),
  decrypt: table({ ...KEY, ...IO, ...RAW }),
  enc: table({}), // openssl's command line, parsed by enc-args.ts
  seal: table({ ...KEY, ...IO, "chunk-size": { type: "string" }, "nonce-store": { type: "string" } }),
  open: table({ ...KEY, ...IO }),
  cmac: table({ ...KEY, in: { type: "string" }, verify: { type: "string" }, "tag-length": { type: "string" } }),
  block: table({ key: { type: "string" }, encrypt: { type: "string" }, decrypt: { type: "string" } }),
  list: table({ long: { type: "boolean" } }),
  version: table({}),
  selftest: table({ backend: { type: "string" } }),
  bench: table({ json: { type: "boolean" } }),
  help: table({}),
});

export interface Parsed {
  command: Command;
  /** Option values by long name: strings for valued options, true for flags. */
  values: Record<string, string | boolean | undefined>;
  /** `enc`: its arguments as given, for enc-args.ts (openssl's syntax is not parseArgs'). */
  argv?: readonly string[];
}

export const USAGE = `usage: aes-wasm <command> [options]

  encrypt|decrypt --cipher <name> (--key <hex> | --key-file <path>) [--iv <hex>] [--prepend-iv]
                  [--in <path>|-] [--out <path>|-] [--no-pad] [--threads N] [--aad <hex>]
      Raw mode, byte-compatible with openssl enc -<name> -K <hex> -iv <hex> -nosalt [-nopad].
      Names: aes-wasm list. aes-{128,192,256}-{ecb,cbc,cfb,cfb8,cfb1,ofb,ctr} and
      id-aes{128,192,256}-wrap[-pad] are openssl's. The AEADs aes-*-gcm, aes-*-ccm (nonce
      7..13 bytes), aes-*-ocb (1..15), aes-{128,256}-gcm-siv append the 16-byte tag,
      aes-{128,192,256}-siv (a 32/48/64-byte key) puts its 16-byte SIV in front; the tag is
      checked before any output is kept (GCM/OCB to stdout or a pipe: the plaintext waits in
      memory, at most 64 MiB; use --out <file> or seal/open for more). aes-{128,256}-xts (a
      32/64-byte key) takes the tweak as --iv, the input as one data unit (16 B to 16 MiB).
      CCM, GCM-SIV, SIV, XTS and key wrap hold the whole input in memory (at most 64 MiB).
      Without --iv, encrypt draws a random IV and prints it on stderr (iv=<hex>); with
      --prepend-iv it writes the IV in front of the output instead, and decrypt --prepend-iv
      reads it from there. Key wrap uses the standard IV unless --iv is given.
  enc -<cipher> [-d] [-pass <source> | -k <pw> | -K <hex> -iv <hex>] [-pbkdf2] [-iter N] [-md <digest>]
      [-salt|-nosalt|-S <hex>] [-a [-A]] [-nopad] [-p|-P] [-v] [-in <path>] [-out <path>] [-list]
      openssl 3's enc, same options and defaults, byte-for-byte its Salted__ files (aes-wasm enc -help).
  <cipher> [enc options]
      Same as enc -<cipher>, as openssl <cipher> is (e.g. aes-wasm aes-256-cbc -d -pbkdf2 -in f.enc).
  seal --key-file <path> [--in] [--out] [--chunk-size N] [--nonce-store <path>]
  open --key-file <path> [--in] [--out]
      Self-describing AES-256-GCM format in independently authenticated chunks. Key file:
      32 raw bytes, or 64 hex digits and a newline.
  cmac (--key <hex> | --key-file <path>) [--in <path>|-] [--verify <hex>] [--tag-length N]
      AES-CMAC (AES-128/192/256 by the key's length) of the input, in hex; --verify: exit 0 and
      OK if the input has that MAC (8..16 bytes, compared in constant time), else exit 1.
  block --key <hex> (--encrypt | --decrypt) <32 hex digits>
  list [--long]
      The cipher names, one a line; --long adds key and IV sizes and what each does.
  selftest [--backend wasm|js]
  bench [--json]
  --version

  Without --in/--out (or with -), stdin/stdout. Output goes to a private (0600) temporary
  file that is renamed into place only on success; an output that is the input or key file
  (also stdout: --in f >> f) is refused. --progress / --no-progress force the progress bar
  (default: on when stderr is a terminal and the input is large).
  AES_WASM_BACKEND=js runs on the pure-TypeScript constant-time core instead of WASM.
  Exit codes: 0 success, 1 failure (bad tag, bad padding, damaged input, I/O), 2 usage error.`;

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") return { command: "help", values: Object.create(null) };
  if (name === "--version" || name === "-V") return { command: "version", values: Object.create(null) };
  // enc takes openssl's syntax (its own -help); `aes-wasm aes-256-cbc ...` is `enc -aes-256-cbc ...`.
  if (name === "enc") return { command: "enc", values: Object.create(null), argv: rest };
  if (!Object.hasOwn(COMMANDS, name) && findCipher(name)) return { command: "enc", values: Object.create(null), argv: [`-${name}`, ...rest] };
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
