// The CLI on a 1 GiB file against `openssl enc` on the same file, in one run: wall time,
// throughput and peak RSS (GNU time's %M) of each process. Not a test: numbers for the README.
// Our CLI fsyncs its output before renaming it into place; openssl does not, so openssl is
// also timed with a `sync <file>` after it for the same durability.
//   node bench/cli-1gib.mjs [--size-mib 1024] [--dir /tmp]
// The input and outputs are written under --dir and deleted at the end.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { "size-mib": { type: "string", default: "1024" }, dir: { type: "string", default: "/tmp" }, json: { type: "boolean" } } });
const SIZE = Number(values["size-mib"]) * 1024 * 1024;
const BIN = fileURLToPath(new URL("../bin/aes-wasm.mjs", import.meta.url));
const TIME = "/usr/bin/time";
if (!existsSync(TIME)) throw new Error("needs GNU time at /usr/bin/time for peak RSS (apt-get install time)");
if (spawnSync("openssl", ["version"]).status !== 0) throw new Error("needs the openssl command");
if (!existsSync(new URL("../dist/cli/main.js", import.meta.url))) throw new Error("run npm run build first");

const dir = mkdtempSync(join(values.dir, "aes-wasm-1gib-"));
const input = join(dir, "input.bin");
const key = randomBytes(32).toString("hex");
const iv = randomBytes(16).toString("hex");

function makeInput() {
  const fd = openSync(input, "w");
  const buf = Buffer.alloc(8 << 20);
  for (let done = 0; done < SIZE; done += buf.length) {
    randomFillSync(buf);
    writeSync(fd, buf, 0, Math.min(buf.length, SIZE - done));
  }
  closeSync(fd);
}

/** Runs `cmd args` under GNU time; returns seconds and peak RSS in MiB. */
function timed(label, cmd, args) {
  const r = spawnSync(TIME, ["-f", "TIME %e %M", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${label} failed (${r.status}): ${r.stderr}`);
  return { label, seconds: Number(m[1]), mbps: SIZE / 1e6 / Number(m[1]), peakRssMiB: Number(m[2]) / 1024 };
}

async function sha256(path) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) h.update(chunk);
  return h.digest("hex");
}

const ours = (cipher, out, extra = []) => [BIN, "encrypt", "--cipher", cipher, "--key", key, "--iv", iv, "--in", input, "--out", out, "--no-progress", ...extra];
const theirs = (cipher, out) => ["enc", `-${cipher}`, "-K", key, "-iv", iv, "-nosalt", "-in", input, "-out", out];
const theirsSynced = (cipher, out) => ["-c", `openssl ${theirs(cipher, out).join(" ")} && sync ${out}`];

try {
  makeInput();
  const rows = [];
  const outputs = {};
  for (const cipher of ["aes-256-ctr", "aes-256-cbc"]) {
    const o = join(dir, `${cipher}.openssl`);
    const w = join(dir, `${cipher}.aes-wasm`);
    rows.push(timed(`openssl enc ${cipher}`, "openssl", theirs(cipher, o)));
    rows.push(timed(`openssl enc ${cipher} + sync`, "sh", theirsSynced(cipher, o)));
    rows.push(timed(`aes-wasm encrypt ${cipher}`, process.execPath, ours(cipher, w)));
    outputs[cipher] = [await sha256(o), await sha256(w)];
    if (cipher === "aes-256-ctr") {
      rows.push(timed(`aes-wasm encrypt ${cipher} --threads 2`, process.execPath, ours(cipher, w, ["--threads", "2"])));
      outputs[`${cipher} threads`] = [outputs[cipher][0], await sha256(w)];
    }
    rmSync(o, { force: true });
    rmSync(w, { force: true });
  }
  const seal = spawnSync(process.execPath, [BIN, "seal"], { encoding: "utf8", input: "" });
  if (!seal.stderr.includes("does not include yet")) {
    const kf = join(dir, "key");
    spawnSync("sh", ["-c", `echo ${key} > ${kf}`]);
    rows.push(timed("aes-wasm seal (AES-256-GCM chunks)", process.execPath, [BIN, "seal", "--key-file", kf, "--in", input, "--out", join(dir, "sealed"), "--no-progress"]));
  }
  for (const [name, [a, b]] of Object.entries(outputs)) {
    if (a !== b) throw new Error(`${name}: aes-wasm output differs from openssl's`);
  }
  const base = Object.fromEntries(rows.filter((r) => r.label.startsWith("openssl") && r.label.endsWith("+ sync")).map((r) => [r.label.split(" ")[2], r.mbps]));
  if (values.json) {
    console.log(JSON.stringify({ node: process.version, sizeBytes: SIZE, rows }, null, 2));
  } else {
    console.log(`\n${SIZE / 2 ** 20} MiB file, one run, outputs checked equal (sha256) to openssl's. MB/s = 10^6 bytes/s.\n`);
    console.log("| command | seconds | MB/s | vs openssl + sync | peak RSS |");
    console.log("|---|---:|---:|---:|---:|");
    for (const r of rows) {
      const peer = base[r.label.match(/aes-256-\w+/)?.[0]];
      console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.mbps.toFixed(0)} | ${peer ? (r.mbps / peer).toFixed(2) + "x" : ""} | ${r.peakRssMiB.toFixed(0)} MiB |`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
