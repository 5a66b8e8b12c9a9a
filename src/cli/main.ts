// The aes-wasm command: parses the command line, runs one command, and turns every outcome
// into a message on stderr and an exit code (errors.ts). bin/aes-wasm.mjs calls main().
import { DecryptionError } from "../errors.js";
import { flagOption, parseCommandLine, USAGE, type Command } from "./args.js";
import { listCiphers } from "./ciphers.js";
import { encDecrypts } from "./enc-args.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, exitCodeFor } from "./errors.js";
import { installCleanup } from "./output.js";
import { version } from "./version.js";
// Each command's modules are imported when it runs (below): `--version` or `list` loads no
// cipher code, and `encrypt` not the facade, GCM or the sealed format (start-up time shows on
// every small file).

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
};

/** What a failed decryption means to the user of each command (the library error is deliberately vague). */
const DECRYPTION_FAILED: Partial<Record<Command, string>> = {
  decrypt: "decryption failed: wrong key or IV, bad padding or tag, or damaged data; no output kept",
  enc: "bad decrypt: wrong password, key or IV, bad padding or tag, or damaged data; no output kept",
  open: "authentication failed: the file is damaged, truncated or reordered, or was sealed with another key; no output kept",
};

/** Runs the command in `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let command: Command | undefined;
  const prefix = () => `aes-wasm${command ? " " + command : ""}`;
  // A reader that went away (aes-wasm list | head) is not a crash: lines stop quietly. A data
  // sink on stdout has its own listener and still fails its run (exit 1, file outputs removed).
  if (process.stdout.listenerCount("error") === 0) {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
    });
  }
  installCleanup({
    onInterrupt(e) {
      io.err(`${prefix()}: ${e.message}`);
      process.exit(exitCodeFor(e, false));
    },
    // A bug somewhere (an exception nobody awaited): temporary files are already gone; say so
    // plainly and fail, rather than leaving Node's default stack trace as the only trace.
    onFatal(e) {
      io.err(`${prefix()}: internal error, nothing kept: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      process.exit(EXIT_FAILED);
    },
  });
  try {
    const parsed = parseCommandLine(argv);
    command = parsed.command;
    const { values } = parsed;
    const warn = (s: string) => io.err(`aes-wasm ${command}: ${s}`);
    await chooseBackend();
    switch (command) {
      case "help":
        // Bare `aes-wasm` is a usage error: the usage goes to stderr, as the error message would.
        if (argv.length === 0) {
          io.err(USAGE);
          return EXIT_USAGE;
        }
        io.out(USAGE);
        return EXIT_OK;
      case "version":
        io.out(`aes-wasm ${version()}`);
        return EXIT_OK;
      case "list":
        for (const line of listCiphers(flagOption(values, "long"))) io.out(line);
        return EXIT_OK;
      case "enc":
        await (await import("./enc.js")).encCommand(parsed.argv ?? [], { out: io.out, err: io.err, note: warn });
        return EXIT_OK;
      case "encrypt":
      case "decrypt":
        await (await import("./crypt.js")).cryptCommand(values, command === "encrypt", warn);
        return EXIT_OK;
      case "seal":
        await (await import("./seal.js")).sealCommand(values);
        return EXIT_OK;
      case "open":
        await (await import("./seal.js")).openCommand(values);
        return EXIT_OK;
      case "cmac":
        await (await import("./cmac.js")).cmacCommand(values, io.out);
        return EXIT_OK;
      case "block":
        io.out((await import("./block.js")).blockCommand(values));
        return EXIT_OK;
      case "selftest": {
        // Loaded on demand, like bench: the vectors are not needed by the other commands.
        const { selftestCommand } = await import("./selftest.js");
        return selftestCommand(values, io.out) === 0 ? EXIT_OK : EXIT_FAILED;
      }
      case "bench":
        await (await import("./bench.js")).benchCommand(flagOption(values, "json"), io.out);
        return EXIT_OK;
    }
  } catch (e) {
    const decrypting = command === "decrypt" || command === "open" || (command === "enc" && encDecrypts(argv.slice(1)));
    const message = e instanceof DecryptionError && command ? DECRYPTION_FAILED[command] ?? e.message : (e as Error).message;
    io.err(`aes-wasm${command ? " " + command : ""}: ${message}`);
    if (e instanceof UsageError && !command) io.err("run aes-wasm --help for usage");
    if (!(e instanceof Error)) io.err(String(e));
    return exitCodeFor(e, decrypting);
  }
}

/**
 * AES_WASM_BACKEND=js runs the command on the pure-TypeScript constant-time core instead of the
 * WASM one (the same bytes, slower: for a runtime without WebAssembly, and so the CLI tests can
 * run every construction on both cores). Unset or "wasm": the WASM core.
 */
async function chooseBackend(): Promise<void> {
  const kind = Object.hasOwn(process.env, "AES_WASM_BACKEND") ? process.env.AES_WASM_BACKEND : undefined;
  if (kind === undefined || kind === "" || kind === "wasm") return;
  if (kind !== "js") throw new UsageError(`AES_WASM_BACKEND must be wasm or js, got ${JSON.stringify(kind)}`);
  await import("../fallback.js"); // the reference core is opt-in outside the Node entry
  const { useBackend } = await import("../wasm/backend.js");
  useBackend("js");
}
