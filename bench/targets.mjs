// `npm run bench:targets`: the speed targets of the project (issue "Speed"), each as a ratio to
// its peer measured in the same run.
//
// Each ratio is the median over rounds of the ratio *within* a round: in every round the two
// implementations run back to back (order rotated), so a round's ratio compares them under
// the same machine conditions. On this shared machine absolute speed drifts by up to 2x over
// seconds, which moves a ratio of two separately taken medians by 20-30 %; the paired median
// moves far less. The ratio of medians is printed too.
import { LIBS } from "./peers.mjs";
import { throughputCase, messageCase, keySetupCase } from "./cases.mjs";
import { median } from "./harness.mjs";

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

for (const bits of [128, 256]) {
  for (const [mode, target] of [["ctr", 3], ["ecb-enc", 2.7], ["ecb-dec", 2.7], ["cbc-dec", 2.7], ["cbc-enc", 1.8]]) {
    const rs = await throughputCase(mode, bits, 1 << 20, { libs: pick("aes-wasm", "@noble/ciphers"), rounds: ROUNDS, time: TIME });
    const [ratio, plain] = paired(rs.find((r) => r.lib === "@noble/ciphers"), rs.find((r) => r.lib === "aes-wasm")); // time ratio = throughput ratio
    check(`AES-${bits} ${mode} 1 MiB, aes-wasm / @noble/ciphers throughput`, ratio, bits === 128 ? target : +(target * 0.9).toFixed(2), ">=", plain);
  }
}
const msg = await messageCase(64, { rounds: ROUNDS, time: TIME });
const m = (lib) => msg.find((r) => r.lib === lib);
const [msgRatio, msgPlain] = paired(m("aes-wasm"), m("node:crypto"));
check("64 B AES-128-CTR message: aes-wasm time / node:crypto time", msgRatio, 0.33, "<=", msgPlain);
const [webRatio, webPlain] = paired(m("WebCrypto"), m("aes-wasm"));
check("64 B AES-128-CTR message: WebCrypto time / aes-wasm time", webRatio, 20, ">=", webPlain);
const ks = await keySetupCase({ rounds: ROUNDS, time: TIME });
const ours = ks.find((r) => r.lib === "aes-wasm");
const best = ks.filter((r) => r.lib !== "aes-wasm").reduce((a, b) => (a.ms < b.ms ? a : b)); // fastest peer by median
const [ksRatio, ksPlain] = paired(best, ours);
check(`key setup + one block: aes-wasm / fastest peer (${best.lib}) ops/s`, ksRatio, 1, ">=", ksPlain);
for (const r of [...msg, ...ks]) console.log(`  ${r.kind} ${r.lib}: ${r.nsPerOp ? Math.round(r.nsPerOp) + " ns" : Math.round(r.opsPerSec) + " ops/s"}`);
