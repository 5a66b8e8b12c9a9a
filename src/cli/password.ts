// Passwords for `enc`, from the sources openssl takes (apps/lib/apps.c app_get_pass, enc -k/-kfile):
//   -pass pass:<pw> | env:<VAR> | file:<path> | fd:<n> | stdin, -k <pw>, -kfile <path>,
//   or, with none of them and no -K, a prompt on the terminal (/dev/tty, not echoed).
// Read as bytes, never through a string we cannot wipe (except argv and the environment, which
// arrive as strings). As openssl: file:, fd: and stdin take the first line without its "\n"
// (a "\r" stays), at most 1023 bytes; -kfile strips every trailing "\r"/"\n" and refuses an
// empty line; a NUL ends the password (openssl uses strlen). stdin and fd: are read one byte at
// a time, so the data that follows the password line on the same stream is left for the input.
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import { InterruptedError, UsageError } from "./errors.js";

/** openssl's APP_PASS_LEN is 1024: BIO_gets keeps at most 1023 bytes of the line. */
const LINE_MAX = 1023;
/** enc's prompt buffer (SIZE = 512). */
const PROMPT_MAX = 511;

/** The password named by a -pass argument. */
export function passwordFromSource(arg: string): Buffer {
  if (arg.startsWith("pass:")) return untilNul(Buffer.from(arg.slice(5), "utf8"));
  if (arg.startsWith("env:")) {
    const name = arg.slice(4);
    const value = Object.hasOwn(process.env, name) ? process.env[name] : undefined;
    if (value === undefined) throw new UsageError(`-pass env:${name}: no environment variable ${name}`);
    return untilNul(Buffer.from(value, "utf8"));
  }
  if (arg.startsWith("file:")) return firstLineOfFile(arg.slice(5), `-pass ${arg}`);
  if (arg.startsWith("fd:")) {
    const n = /^\d+$/.test(arg.slice(3)) ? Number(arg.slice(3)) : NaN;
    if (!Number.isSafeInteger(n)) throw new UsageError(`-pass ${arg}: not a file descriptor number`);
    return firstLineOfFd(n, `-pass ${arg}`);
  }
  if (arg === "stdin") return firstLineOfFd(0, "-pass stdin");
  throw new UsageError(`-pass ${JSON.stringify(arg)}: give pass:<password>, env:<variable>, file:<path>, fd:<number> or stdin`);
}

/** -kfile <path>: the first line, trailing CR/LF removed; an empty one is refused. */
export function passwordFromKfile(path: string): Buffer {
  const line = firstLineOfFile(path, `-kfile ${path}`, true);
  let end = line.length;
  while (end > 0 && (line[end - 1] === 0x0d || line[end - 1] === 0x0a)) end--;
  if (end === 0) {
    line.fill(0);
    throw new UsageError(`-kfile ${path}: zero length password`);
  }
  const pw = Buffer.from(line.subarray(0, end));
  line.fill(0);
  return untilNul(pw);
}

function firstLineOfFile(path: string, what: string, keepNewline = false): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`${what}: ${path} is a directory`);
    return firstLine(fd, what, keepNewline);
  } finally {
    closeSync(fd);
  }
}

function firstLineOfFd(fd: number, what: string): Buffer {
  try {
    fstatSync(fd);
  } catch {
    throw new UsageError(`${what}: file descriptor ${fd} is not open`);
  }
  return firstLine(fd, what, false);
}

/** Reads byte by byte up to the first "\n" (kept when `keepNewline`), at most LINE_MAX bytes. */
function firstLine(fd: number, what: string, keepNewline: boolean): Buffer {
  const buf = Buffer.alloc(LINE_MAX + 1);
  let have = 0;
  let sawAny = false;
  try {
    while (have < LINE_MAX) {
      let n: number;
      try {
        n = readSync(fd, buf, have, 1, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a non-blocking pipe: wait for data
          continue;
        }
        throw new UsageError(`${what}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (n === 0) break;
      sawAny = true;
      if (buf[have] === 0x0a) {
        if (keepNewline) have++;
        break;
      }
      have++;
    }
    if (!sawAny) throw new UsageError(`${what}: no password there (empty)`);
    return untilNul(Buffer.from(buf.subarray(0, have)));
  } finally {
    buf.fill(0);
  }
}

/**
 * The bytes before the first NUL (C's strlen, as openssl uses), the rest wiped. The scan reads
 * every byte the same way (no early exit at the NUL): only the resulting length is revealed.
 */
function untilNul(pw: Buffer): Buffer {
  let seen = 0; // becomes 1 at the first NUL and stays 1
  let length = 0;
  for (let i = 0; i < pw.length; i++) {
    seen |= ((pw[i]! - 1) >>> 8) & 1; // 1 iff the byte is 0
    length += 1 - seen;
  }
  if (length === pw.length) return pw;
  const cut = Buffer.from(pw.subarray(0, length));
  pw.fill(0);
  return cut;
}

/**
 * Asks on the terminal, as openssl does ("enter AES-256-CBC encryption password:", and a second
 * time to verify when encrypting). The terminal is /dev/tty, so stdin stays free for the data.
 */
export async function promptPassword(cipherName: string, encrypt: boolean): Promise<Buffer> {
  let fd: number;
  try {
    fd = openSync("/dev/tty", "r+");
  } catch {
    throw new UsageError("no password and no key: give -pass <source>, -k <password>, -kfile <path> or -K <hex> (there is no terminal to ask on)");
  }
  const prompt = `enter ${cipherName.toUpperCase()} ${encrypt ? "encryption" : "decryption"} password:`;
  const tty = new ReadStream(fd);
  try {
    const first = await readHidden(tty, fd, prompt);
    if (!encrypt) return first;
    const again = await readHidden(tty, fd, `Verifying - ${prompt}`);
    const same = first.length === again.length && first.equals(again);
    again.fill(0);
    if (!same) {
      first.fill(0);
      throw new UsageError("Verify failure: the two passwords differ (bad password read)");
    }
    return first;
  } finally {
    tty.setRawMode(false);
    tty.destroy(); // closes fd
  }
}

function readHidden(tty: ReadStream, fd: number, prompt: string): Promise<Buffer> {
  tty.setRawMode(true); // before the prompt: an answer typed right after it is never echoed
  writeSync(fd, prompt);
  const buf = Buffer.alloc(PROMPT_MAX);
  let have = 0;
  return new Promise<Buffer>((resolve, reject) => {
    const finish = (e: Error | null) => {
      tty.off("data", onData);
      tty.pause();
      writeSync(fd, "\n");
      if (e) {
        buf.fill(0);
        reject(e);
        return;
      }
      const pw = Buffer.from(buf.subarray(0, have));
      buf.fill(0);
      resolve(pw);
    };
    const onData = (chunk: Buffer) => {
      for (const b of chunk) {
        if (b === 0x0d || b === 0x0a) return finish(null);
        if (b === 0x03) return finish(new InterruptedError("SIGINT"));
        if (b === 0x04 && have === 0) return finish(new UsageError("no password entered (end of input on the terminal)"));
        if (b === 0x7f || b === 0x08) {
          if (have > 0) buf[--have] = 0;
        } else if (have < PROMPT_MAX) {
          buf[have++] = b;
        }
      }
      chunk.fill(0);
    };
    tty.on("data", onData);
    tty.resume();
  });
}
