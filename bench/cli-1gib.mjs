// The CLI on a 1 GiB file against the library in memory and against `openssl enc`, in one run
// (issue 18's targets): wall time, throughput and peak RSS (GNU time's %M) of each process.
// Not a test: numbers for the README and docs/cli.md.
//
//   1. AES-256-CTR, one thread: the CLI file to file ≥ 0.8× the library's single-thread
//      in-memory throughput on the same bytes (timed here, in this process: the file is read in
//      64 MiB pieces, untimed, and each piece encrypted in place, timed, by one stream);
//   2. --threads 2 ≥ 1.5× the single-thread CLI;
//   3. peak RSS of the single-thread CLI ≤ 64 MiB;
//   4. a 20 MB file: the CLI's wall time next to `openssl enc`'s and a bare `node -e ''`, so the
//      start-up cost is visible.
// Also: AES-256-CBC, `aes-wasm enc -pbkdf2` against `openssl enc -pbkdf2` (the Salted__ path),
// and seal. The CLI fsyncs its output before renaming it into place; openssl does not, so
// openssl is also timed with a `sync <file>` after it for the same durability. Every output is
// checked equal (sha256) to openssl's. Each row is the median of --runs runs (default 3), with
// the CPU seconds (user, sys: the kernel's share is what the filesystem costs) next to the wall
// time: the machines this runs on are shared. The library row's "user" is its timed busy time.
//   node bench/cli-1gib.mjs [--size-mib 1024] [--runs 3] [--dir <tmpdir>] [--json] [--targets-only]
// --targets-only runs the CTR rows alone (library, openssl, the CLI with one thread and two).
// The input and outputs are written under --dir (default: the OS temp dir) and deleted at the end.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    "size-mib": { type: "string", default: "1024" },
    runs: { type: "string", default: "3" },
    dir: { type: "string", default: tmpdir() },
    json: { type: "boolean" },
    "targets-only": { type: "boolean" },
  },
});
const SIZE = Number(values["size-mib"]) * 1024 * 1024;
const RUNS = Math.max(1, Number(values.runs));
const SMALL = 20_000_000;
const BIN = fileURLToPath(new URL("../bin/aes-wasm.mjs", import.meta.url));
const TIME = "/usr/bin/time";
if (!existsSync(TIME)) throw new Error("needs GNU time at /usr/bin/time for peak RSS (apt-get install time)");
if (spawnSync("openssl", ["version"]).status !== 0) throw new Error("needs the openssl command");
if (!existsSync(new URL("../dist/cli/main.js", import.meta.url))) throw new Error("run npm run build first");
const lib = await import(new URL("../dist/index.node.js", import.meta.url).href);

const dir = mkdtempSync(join(values.dir, "aes-wasm-1gib-"));
const input = join(dir, "input.bin");
const small = join(dir, "small.bin");
const keyBytes = randomBytes(32);
const ivBytes = randomBytes(16);
const key = keyBytes.toString("hex");
const iv = ivBytes.toString("hex");
const password = randomBytes(12).toString("hex");
const passFile = join(dir, "pw");

/** A file of random bytes (from randomFillSync, 8 MiB at a time: never an unbounded /dev/urandom read). */
function makeFile(path, size) {
  const fd = openSync(path, "w");
  const buf = Buffer.alloc(8 << 20);
  for (let done = 0; done < size; done += buf.length) {
    randomFillSync(buf);
    writeSync(fd, buf, 0, Math.min(buf.length, size - done));
  }
  closeSync(fd);
}

/** The filesystem type under `path` (df -T), for the table: tmpfs and a disk differ by the kernel's share. */
function filesystem(path) {
  const r = spawnSync("df", ["-T", path], { encoding: "utf8" });
  return r.status === 0 ? (r.stdout.trim().split("\n").pop()?.split(/\s+/)[1] ?? "?") : "?";
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One run of `cmd args` under GNU time: wall seconds, CPU seconds (user, sys), peak RSS in MiB. */
function once(label, cmd, args) {
  const r = spawnSync(TIME, ["-f", "TIME %e %U %S %M", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${label} failed (${r.status}): ${r.stderr}`);
  return { seconds: Number(m[1]), user: Number(m[2]), sys: Number(m[3]), rss: Number(m[4]) / 1024 };
}

/** A row from several runs: the median wall and CPU seconds, the largest peak RSS. */
function summarize(label, runs, bytes = SIZE) {
  const s = median(runs.map((r) => r.seconds));
  return {
    label, seconds: s, userSeconds: median(runs.map((r) => r.user)), sysSeconds: median(runs.map((r) => r.sys)), all: runs.map((r) => r.seconds),
    mbps: bytes / 1e6 / s, peakRssMiB: Math.max(...runs.map((r) => r.rss)),
  };
}

/** Runs `cmd args` RUNS times in a row. */
function timed(label, cmd, args, bytes = SIZE) {
  return summarize(label, Array.from({ length: RUNS }, () => once(label, cmd, args)), bytes);
}

/** The library on the same bytes, one thread, in memory: each 64 MiB piece read (untimed), then encrypted in place (timed). */
function libraryInMemory() {
  const piece = new Uint8Array(64 << 20);
  const k = lib.aesKey(keyBytes);
  const stream = k.ctr(ivBytes).encryptor();
  const fd = openSync(input, "r");
  let busy = 0;
  for (let off = 0; off < SIZE; off += piece.length) {
    const n = readSync(fd, piece, 0, Math.min(piece.length, SIZE - off), off);
    const t = performance.now();
    stream.update(piece.subarray(0, n), piece.subarray(0, n));
    busy += performance.now() - t;
  }
  stream.final();
  closeSync(fd);
  k.dispose();
  return { seconds: busy / 1000, user: busy / 1000, sys: 0, rss: NaN };
}

async function sha256(path) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) h.update(chunk);
  return h.digest("hex");
}

const ours = (cipher, inFile, out, extra = []) => [BIN, "encrypt", "--cipher", cipher, "--key", key, "--iv", iv, "--in", inFile, "--out", out, "--no-progress", ...extra];
const theirs = (cipher, inFile, out) => ["enc", `-${cipher}`, "-K", key, "-iv", iv, "-nosalt", "-in", inFile, "-out", out];
const synced = (args, out) => ["-c", `openssl ${args.join(" ")} && sync ${out}`];

try {
  makeFile(input, SIZE);
  makeFile(small, SMALL);
  writeFileSync(passFile, password + "\n");
  const rows = [];
  const checks = [];
  const row = (r) => (rows.push(r), r);

  // The targets' three measurements, interleaved round by round (library, CLI, CLI --threads 2),
  // so that a busy moment on a shared machine lands on all of them rather than on one.
  const o = join(dir, "out.openssl");
  const w = join(dir, "out.aes-wasm");
  const w2 = join(dir, "out.aes-wasm-2");
  const rounds = { library: [], single: [], threads: [] };
  for (let i = 0; i < RUNS; i++) {
    rounds.library.push(libraryInMemory());
    rounds.single.push(once("aes-wasm encrypt", process.execPath, ours("aes-256-ctr", input, w)));
    rounds.threads.push(once("aes-wasm encrypt --threads 2", process.execPath, ours("aes-256-ctr", input, w2, ["--threads", "2"])));
  }
  const library = row(summarize("library, in memory, one thread (aes-256-ctr)", rounds.library));
  library.peakRssMiB = NaN;
  row(timed("openssl enc aes-256-ctr", "openssl", theirs("aes-256-ctr", input, o)));
  const opensslSynced = row(timed("openssl enc aes-256-ctr + sync", "sh", synced(theirs("aes-256-ctr", input, o), o)));
  const single = row(summarize("aes-wasm encrypt aes-256-ctr", rounds.single));
  const threads = row(summarize("aes-wasm encrypt aes-256-ctr --threads 2", rounds.threads));
  checks.push(["aes-256-ctr", await sha256(o), await sha256(w)]);
  checks.push(["aes-256-ctr --threads 2", await sha256(o), await sha256(w2)]);
  rmSync(w2);
  const pairRatios = rounds.single.map((r, i) => (SIZE / r.seconds) / (SIZE / rounds.library[i].seconds));
  const threadRatios = rounds.threads.map((r, i) => rounds.single[i].seconds / r.seconds);

  const smallRows = [];
  if (!values["targets-only"]) { // the other rows: CBC, the Salted__ path, seal, start-up
    row(timed("openssl enc aes-256-cbc + sync", "sh", synced(theirs("aes-256-cbc", input, o), o)));
    row(timed("aes-wasm encrypt aes-256-cbc", process.execPath, ours("aes-256-cbc", input, w)));
    checks.push(["aes-256-cbc", await sha256(o), await sha256(w)]);

    // The Salted__ path: a fixed -S salt, so the outputs can be compared.
    const salt = randomBytes(8).toString("hex");
    const encArgs = (out) => ["enc", "-aes-256-ctr", "-pbkdf2", "-S", salt, "-pass", `file:${passFile}`, "-in", input, "-out", out];
    row(timed("openssl enc -aes-256-ctr -pbkdf2 + sync", "sh", synced(encArgs(o), o)));
    row(timed("aes-wasm enc -aes-256-ctr -pbkdf2", process.execPath, [BIN, ...encArgs(w)]));
    checks.push(["enc -pbkdf2", await sha256(o), await sha256(w)]);

    const kf = join(dir, "key");
    writeFileSync(kf, key + "\n");
    row(timed("aes-wasm seal (AES-256-GCM chunks)", process.execPath, [BIN, "seal", "--key-file", kf, "--in", input, "--out", join(dir, "sealed"), "--no-progress"]));

    // Start-up: a 20 MB file.
    smallRows.push(
      timed("20 MB: openssl enc aes-256-ctr", "openssl", theirs("aes-256-ctr", small, o), SMALL),
      timed("20 MB: aes-wasm encrypt aes-256-ctr", process.execPath, ours("aes-256-ctr", small, w), SMALL),
      timed("20 MB: node -e '' (start-up alone)", process.execPath, ["-e", ""], SMALL),
    );
    checks.push(["20 MB aes-256-ctr", await sha256(o), await sha256(w)]);
  }

  for (const [name, a, b] of checks) if (a !== b) throw new Error(`${name}: aes-wasm output differs from openssl's`);

  const targets = [
    { target: "1 GiB CTR, CLI ≥ 0.8× library in memory (medians)", value: single.mbps / library.mbps, min: 0.8 },
    { target: "the same, median of the per-round ratios", value: median(pairRatios), min: 0.8 },
    { target: "--threads 2 ≥ 1.5× single-thread CLI", value: single.seconds / threads.seconds, min: 1.5 },
    { target: "the same, median of the per-round ratios", value: median(threadRatios), min: 1.5 },
    { target: "single-thread CLI peak RSS ≤ 64 MiB", value: single.peakRssMiB, max: 64 },
    { target: "--threads 2 peak RSS (reported, no bound)", value: threads.peakRssMiB },
  ].map((t) => ({ ...t, met: t.min !== undefined ? t.value >= t.min : t.max !== undefined ? t.value <= t.max : undefined }));

  if (values.json) {
    console.log(JSON.stringify({ node: process.version, sizeBytes: SIZE, runs: RUNS, rows, smallRows, targets }, null, 2));
  } else {
    console.log(`\n${SIZE / 2 ** 20} MiB file in ${values.dir} (${filesystem(values.dir)}), median of ${RUNS} runs, outputs checked equal (sha256) to openssl's. MB/s = 10^6 bytes/s; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} at the end.\n`);
    console.log("| command | seconds | user s | sys s | MB/s | vs openssl + sync | vs library | peak RSS |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const r of rows) {
      const ssl = r.label.includes("cbc") ? rows.find((x) => x.label === "openssl enc aes-256-cbc + sync")
        : r.label.includes("pbkdf2") ? rows.find((x) => x.label === "openssl enc -aes-256-ctr -pbkdf2 + sync") : opensslSynced;
      const vsLib = r.label.includes("ctr") && !r.label.includes("pbkdf2") ? `${(r.mbps / library.mbps).toFixed(2)}x` : "";
      console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.userSeconds.toFixed(2)} | ${r.sysSeconds.toFixed(2)} | ${r.mbps.toFixed(0)} | ${r.label.startsWith("openssl") || r.label.startsWith("library") ? "" : (r.mbps / ssl.mbps).toFixed(2) + "x"} | ${vsLib} | ${Number.isNaN(r.peakRssMiB) ? "" : r.peakRssMiB.toFixed(0) + " MiB"} |`);
    }
    if (smallRows.length > 0) {
      console.log("\n| 20 MB file | wall seconds | user s | sys s | peak RSS |");
      console.log("|---|---:|---:|---:|---:|");
    }
    for (const r of smallRows) console.log(`| ${r.label.slice(7)} | ${r.seconds.toFixed(2)} | ${r.userSeconds.toFixed(2)} | ${r.sysSeconds.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} MiB |`);
    console.log("\n| target | measured | met |");
    console.log("|---|---:|---|");
    for (const t of targets) console.log(`| ${t.target} | ${t.min === undefined ? t.value.toFixed(0) + " MiB" : t.value.toFixed(2) + "x"} | ${t.met === undefined ? "" : t.met ? "yes" : "NO"} |`);
    console.log(`\nall runs (s): ${[...rows, ...smallRows].map((r) => `${r.label}: ${r.all.map((s) => s.toFixed(2)).join(" ")}`).join("; ")}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
