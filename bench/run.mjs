// `npm run bench`: the full benchmark. Every implementation's output is checked against
// node:crypto before it is timed. Writes bench/results/latest.json, latest.md and
// throughput.svg (the chart in the README). `--quick` prints the short table instead.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus } from "node:os";
import { LIBS, MODES } from "./peers.mjs";
import { throughputCase, messageCase, keySetupCase } from "./cases.mjs";
import { sizeLabel } from "./harness.mjs";
import { quickBench } from "./quick.mjs";
import { constructionChart, throughputChart } from "./chart.mjs";
import { execFileSync } from "node:child_process";
import { constructionCases } from "./constructions.mjs";
import { measure } from "./harness.mjs";

if (process.argv.includes("--quick")) {
  await quickBench();
  process.exit(0);
}

const SIZES = [16, 64, 1024, 65536, 1 << 20, 16 << 20];
// --redo=message,keysetup: re-measure only those cases and rewrite the results around the
// throughput rows already in latest.json (e.g. after a fix to those cases alone).
const redo = process.argv.find((a) => a.startsWith("--redo="))?.slice(7).split(",");
// Pure-JS peers below ~50 MB/s take seconds per 16 MiB call; they are measured up to 1 MiB.
const SLOW = new Set(["aes-wasm (JS reference)", "aes-js", "crypto-js"]);
const only = process.argv.find((a) => a.startsWith("--modes="))?.slice(8).split(",");
const previous = redo ? JSON.parse(readFileSync(new URL("results/latest.json", import.meta.url), "utf8")) : undefined;
// A row's kind is the singular of its --redo name ("constructions" re-measures kind "construction").
const rows = previous ? previous.rows.filter((r) => !redo.includes(r.kind) && !redo.includes(`${r.kind}s`)) : [];
const t0 = Date.now();
for (const mode of redo ? [] : only ?? MODES) {
  for (const bits of [128, 256]) {
    for (const size of SIZES) {
      const libs = LIBS.filter((l) => size <= 1 << 20 || !SLOW.has(l.name));
      const time = size >= 1 << 20 ? 300 : 100;
      rows.push(...(await throughputCase(mode, bits, size, { libs, rounds: 3, time })));
      process.stderr.write(`\r${mode} AES-${bits} ${sizeLabel(size)} done (${((Date.now() - t0) / 1000).toFixed(0)} s)     `);
    }
  }
}
if (!redo || redo.includes("message")) rows.push(...(await messageCase(64, { rounds: 5, time: 200 })));
if (!redo || redo.includes("keysetup")) rows.push(...(await keySetupCase({ rounds: 5, time: 200 })));
// The constructions WebCrypto lacks, 1 MiB, each against its peer (bench/constructions.mjs).
if (!redo || redo.includes("constructions")) {
  for (const c of constructionCases()) {
    const res = await measure([c.ours, c.peer], { rounds: 3, time: 300 });
    for (const t of [c.ours, c.peer]) rows.push({ kind: "construction", what: c.what, target: c.target, lib: t.name, size: 1 << 20, mbps: (1 << 20) / (res.get(t.name).ms * 1000) });
  }
}
// Forgotten keys in a synchronous loop, in a process of its own (its RSS is the loop's alone).
if (!redo || redo.includes("no-dispose")) {
  const out = execFileSync(process.execPath, [new URL("no-dispose.mjs", import.meta.url).pathname], { encoding: "utf8" });
  rows.push({ kind: "no-dispose", ...JSON.parse(out) });
}
process.stderr.write("\n");

const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
const date = previous?.date ?? new Date().toISOString().slice(0, 10);
mkdirSync(new URL("results/", import.meta.url), { recursive: true });
writeFileSync(new URL("results/latest.json", import.meta.url), JSON.stringify({ date, machine, rows }, null, 1));

// Markdown: one table per mode and key size, MB/s, with ratios against the fastest pure-JS peer.
const libsIn = (rs) => [...new Set(rs.map((r) => r.lib))];
let md = `Measured ${date} on ${machine}; single thread; MB/s = 10^6 bytes/s; median of 3 interleaved rounds.\n`;
if (redo) md += `\n(${redo.join(" and ")} rows re-measured by \`--redo\` on ${new Date().toISOString().slice(0, 10)}; the rest from the full run.)\n`;
for (const mode of only ?? MODES) {
  for (const bits of [128, 256]) {
    const rs = rows.filter((r) => r.kind === "throughput" && r.mode === mode && r.bits === bits);
    const libs = libsIn(rs);
    md += `\n### AES-${bits} ${mode}\n\n| size | ${libs.join(" | ")} | aes-wasm / noble |\n|---|${libs.map(() => "---:").join("|")}|---:|\n`;
    for (const size of SIZES) {
      const cell = (lib) => rs.find((r) => r.size === size && r.lib === lib)?.mbps;
      const ours = cell("aes-wasm");
      const noble = cell("@noble/ciphers");
      md += `| ${sizeLabel(size)} | ${libs.map((l) => (cell(l) === undefined ? "—" : cell(l).toFixed(1))).join(" | ")} | ${noble ? (ours / noble).toFixed(2) + "x" : "—"} |\n`;
    }
  }
}
md += "\n### One 64-byte AES-128-CTR message, key setup included\n\n| library | ns/message |\n|---|---:|\n";
for (const r of rows.filter((r) => r.kind === "message")) md += `| ${r.lib} | ${Math.round(r.nsPerOp)} |\n`;
md += "\n### Constructions WebCrypto lacks (1 MiB, each against its peer in the same rounds)\n\n| case | ours MB/s | peer MB/s | ratio |\n|---|---:|---:|---:|\n";
// Rows come in pairs (ours, then the peer of the same case).
const constructions = [];
for (let i = 0; i + 1 < rows.length; i++) {
  const [a, b] = [rows[i], rows[i + 1]];
  if (a.kind === "construction" && b.kind === "construction" && a.what === b.what) {
    md += `| ${a.what} | ${a.mbps.toFixed(1)} | ${b.mbps.toFixed(1)} | ${(a.mbps / b.mbps).toFixed(2)}x |\n`;
    constructions.push({ what: a.what.replace(/ 1 MiB throughput/, ""), ratio: a.mbps / b.mbps, target: a.target ?? null });
    i++;
  }
}
for (const r of rows.filter((r) => r.kind === "no-dispose")) {
  md += `\n### ${r.keys} keys never disposed, one synchronous loop\n\nper-key µs by batch: ${r.usPerKey.map((x) => x.toFixed(1)).join(", ")}; RSS growth ${r.rssGrowthMiB.toFixed(0)} MiB (targets: last batch ≤ 2× the first, < 64 MiB)\n`;
}
md += "\n### Key setup + one block (AES-128)\n\n| library | ops/s |\n|---|---:|\n";
for (const r of rows.filter((r) => r.kind === "keysetup")) md += `| ${r.lib} | ${Math.round(r.opsPerSec)} |\n`;
writeFileSync(new URL("results/latest.md", import.meta.url), md);
writeFileSync(new URL("results/throughput.svg", import.meta.url),
  throughputChart(rows.filter((r) => r.kind === "throughput" && r.mode === "ctr" && r.bits === 128),
    `AES-128-CTR throughput by message size (${date}, ${machine})`));
if (constructions.length > 0) {
  writeFileSync(new URL("results/constructions.svg", import.meta.url),
    constructionChart(constructions, `Constructions WebCrypto lacks, 1 MiB (${new Date().toISOString().slice(0, 10)}, ${machine})`));
}
console.log(md);
