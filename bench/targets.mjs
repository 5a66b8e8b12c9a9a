// `npm run bench:targets`: the speed targets of the project (issue "Speed"), each as a ratio to
// its peer measured in the same run.
//
// Each ratio is the median over rounds of the ratio *within* a round: in every round the two
// implementations run back to back (order rotated), so a round's ratio compares them under
// the same machine conditions. On this shared machine absolute speed drifts by up to 2x over
// seconds, which moves a ratio of two separately taken medians by 20-30 %; the paired median
// moves far less. The ratio of medians is printed too.
import { LIBS } from "./peers.mjs";
import { throughputCase, messageCase, keySetupCase, ecb16Case } from "./cases.mjs";
import { measure, median } from "./harness.mjs";
import { constructionCases } from "./constructions.mjs";

const ROUNDS = 15;
const TIME = 100; // ms per task per round: short, so that a round's two tasks run close in time
const pick = (...names) => LIBS.filter((l) => names.includes(l.name));
const rows = [];
const check = (what, value, target, better = ">=", plain) => {
  const ok = better === ">=" ? value >= target : value <= target;
  rows.push({ what, value, target: `${better} ${target}`, ok, ratioOfMedians: plain });
  console.log(`${ok ? "met   " : "MISSED"} ${what}: ${value.toFixed(2)} (target ${better} ${target}; ratio of medians ${plain.toFixed(2)})`);
};
/** Median over rounds of a.ms / b.ms, and the ratio of the two medians. */
const paired = (a, b) => [median(a.roundsMs.map((ms, r) => ms / b.roundsMs[r])), a.ms / b.ms];

// Targets of the issue "Constant time everywhere" (no table on any path, at the old speed).
const PARALLEL = { 128: 3.5, 256: 3.2 };
for (const bits of [128, 256]) {
  for (const [mode, target] of [["ctr", PARALLEL[bits]], ["ecb-enc", PARALLEL[bits]], ["ecb-dec", PARALLEL[bits]], ["cbc-dec", PARALLEL[bits]], ["cbc-enc", 2], ["gcm-enc", bits === 128 ? 3 : null]]) {
    const rs = await throughputCase(mode, bits, 1 << 20, { libs: pick("aes-wasm", "@noble/ciphers"), rounds: ROUNDS, time: TIME });
    const [ratio, plain] = paired(rs.find((r) => r.lib === "@noble/ciphers"), rs.find((r) => r.lib === "aes-wasm")); // time ratio = throughput ratio
    if (target === null) console.log(`info   AES-${bits} ${mode} 1 MiB, aes-wasm / @noble/ciphers throughput: ${ratio.toFixed(2)} (ratio of medians ${plain.toFixed(2)})`);
    else check(`AES-${bits} ${mode} 1 MiB, aes-wasm / @noble/ciphers throughput`, ratio, target, ">=", plain);
  }
}
const msg = await messageCase(64, { rounds: ROUNDS, time: TIME });
const m = (lib) => msg.find((r) => r.lib === lib);
const [msgRatio, msgPlain] = paired(m("aes-wasm"), m("node:crypto"));
check("64 B AES-128-CTR message: aes-wasm time / node:crypto time", msgRatio, 0.4, "<=", msgPlain);
const [webRatio, webPlain] = paired(m("WebCrypto"), m("aes-wasm"));
check("64 B AES-128-CTR message: WebCrypto time / aes-wasm time", webRatio, 20, ">=", webPlain);
const e16 = await ecb16Case({ rounds: ROUNDS, time: TIME });
const [e16Ratio, e16Plain] = paired(e16.find((r) => r.lib === "aes-wasm"), e16.find((r) => r.lib === "node:crypto"));
check("16 B AES-128-ECB one-shot: aes-wasm time / node:crypto time", e16Ratio, 0.5, "<=", e16Plain);
const ks = await keySetupCase({ rounds: ROUNDS, time: TIME });
const ours = ks.find((r) => r.lib === "aes-wasm");
const best = ks.filter((r) => r.lib !== "aes-wasm").reduce((a, b) => (a.ms < b.ms ? a : b)); // fastest peer by median
const [ksRatio, ksPlain] = paired(best, ours);
check(`key setup + one block: aes-wasm / fastest peer (${best.lib}) ops/s`, ksRatio, 2, ">=", ksPlain);
for (const r of [...msg, ...e16, ...ks]) console.log(`  ${r.kind} ${r.lib}: ${r.nsPerOp ? Math.round(r.nsPerOp) + " ns" : Math.round(r.opsPerSec) + " ops/s"}`);

// Targets of the issue "More AES constructions" (bench/constructions.mjs): our throughput
// relative to the peer of each case, in the same rounds.
for (const c of constructionCases()) {
  const res = await measure([c.ours, c.peer], { rounds: ROUNDS, time: TIME });
  const [o, p] = [c.ours, c.peer].map((t) => ({ ms: res.get(t.name).ms, roundsMs: res.get(t.name).rounds }));
  const [ratio, plain] = paired(p, o);
  if (c.target === null) console.log(`info   ${c.what}: ${ratio.toFixed(2)} (ratio of medians ${plain.toFixed(2)})`);
  else check(c.what, ratio, c.target, ">=", plain);
}
