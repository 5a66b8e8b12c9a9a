// Runs the real aes-wasm binary (bin/aes-wasm.mjs → dist/cli/main.js) as a child process.
// The tests need `npm run build` first (npm test does it); a missing build fails loudly.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createCipheriv, createDecipheriv } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const BIN = join(ROOT, "bin", "aes-wasm.mjs");

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    throw new Error("dist/cli/main.js is missing: run `npm run build` before the CLI tests");
  }
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs `aes-wasm ...args` with `input` on stdin (nothing: stdin closed); collects everything. */
export function cli(args: string[], options: { input?: Uint8Array | string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    collect(child).then(resolvePromise, reject);
    child.stdin!.on("error", () => undefined); // the CLI may exit before reading all of stdin (usage errors)
    child.stdin!.end(options.input ?? "");
  });
}

/** Starts the binary without waiting: for tests that signal it mid-run. */
export function startCli(args: string[], options: { cwd?: string } = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin!.on("error", () => undefined);
  return { child, done: collect(child) };
}

function collect(child: ChildProcess): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on("data", (b: Buffer) => out.push(b));
  child.stderr!.on("data", (b: Buffer) => err.push(b));
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
}

/** A fresh scratch directory under the OS temp dir; remove with `rmSync(dir, { recursive: true })`. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "aes-wasm-cli-test-"));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Files the CLI left behind that look like its temporary files. */
export function leftoverTemps(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".aes-wasm-tmp"));
}

/** The path of the `openssl` command, or null when it is not installed. */
export function opensslPath(): string | null {
  const r = spawnSync("openssl", ["version"], { encoding: "utf8" });
  return r.status === 0 ? "openssl" : null;
}

/** Runs `openssl args...` synchronously; throws with its stderr on failure. */
export function openssl(args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync("openssl", args, { input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * Whether the built binary has AES-GCM (seal/open and the -gcm names need it). Asked of the
 * binary itself: `seal` without GCM refuses with "does not include yet" before anything else.
 */
export function binaryHasGcm(): boolean {
  const r = spawnSync(process.execPath, [BIN, "seal"], { encoding: "utf8", input: "" });
  return !r.stderr.includes("does not include yet");
}

/** Whether the built binary takes the -gcm cipher names in raw mode (the facade's aes-256-gcm). */
export function binaryHasRawGcm(): boolean {
  const r = spawnSync(process.execPath, [BIN, "encrypt", "--cipher", "aes-256-gcm", "--key", "00".repeat(32), "--iv", "00".repeat(12)], { input: "" });
  return r.status === 0;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// Finer control for the attack-minded CLI suites (cli-safety, cli-gcm-safety).

/** A stdio slot for startWith/runWith: piped, ignored, or an open file descriptor. */
export type Stdio = "pipe" | "ignore" | number;

/** Starts the binary with chosen stdio and environment; stdout/stderr collected when piped. */
export function startWith(args: string[], opts: { stdin?: Stdio; stdout?: Stdio; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.stdin ?? "pipe", opts.stdout ?? "pipe", "pipe"],
  });
  child.stdin?.on("error", () => undefined);
  const out: Buffer[] = [];
  let err = "";
  child.stdout?.on("data", (b: Buffer) => out.push(b));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: err }));
  });
  return { child, done, stderr: () => err };
}

/** startWith, then `input` (or nothing) on stdin; resolves when the process ends. */
export function runWith(args: string[], opts: { input?: Uint8Array | string; stdin?: Stdio; stdout?: Stdio; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const r = startWith(args, opts);
  if (r.child.stdin) r.child.stdin.end(opts.input ?? "");
  return r.done;
}

/** Polls `ok` every 10 ms until it holds, or fails after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What node:crypto (OpenSSL) outputs for the same streaming-mode job: the expected bytes. */
export function nodeStreamCipher(encrypt: boolean, name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array, pad = true): Buffer {
  const c = encrypt ? createCipheriv(name, key, iv) : createDecipheriv(name, key, iv);
  c.setAutoPadding(pad);
  return Buffer.concat([c.update(data), c.final()]);
}
