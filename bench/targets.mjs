// `npm run bench:targets`: the speed targets of the project (issue "Speed"), each as a ratio to
// its peer measured in the same run, with more interleaved rounds than the full table so the
// medians settle on a shared, noisy machine.
import { LIBS } from "./peers.mjs";
import { throughputCase, messageCase, keySetupCase } from "./cases.mjs";

const ROUNDS = 9;
const pick = (...names) => LIBS.filter((l) => names.includes(l.name));
const rows = [];
const check = (what, value, target, better = ">=") => {
  const ok = better === ">=" ? value >= target : value <= target;
  rows.push({ what, value, target: `${better} ${target}`, ok });
  console.log(`${ok ? "met   " : "MISSED"} ${what}: ${value.toFixed(2)} (target ${better} ${target})`);
};

for (const bits of [128, 256]) {
  for (const [mode, target] of [["ctr", 3], ["ecb-enc", 2.7], ["ecb-dec", 2.7], ["cbc-dec", 2.7], ["cbc-enc", 1.8]]) {
    const rs = await throughputCase(mode, bits, 1 << 20, { libs: pick("aes-wasm", "@noble/ciphers"), rounds: ROUNDS, time: 200 });
    const ratio = rs.find((r) => r.lib === "aes-wasm").mbps / rs.find((r) => r.lib === "@noble/ciphers").mbps;
    check(`AES-${bits} ${mode} 1 MiB, aes-wasm / @noble/ciphers throughput`, ratio, bits === 128 ? target : +(target * 0.9).toFixed(2));
  }
}
const msg = await messageCase(64, { rounds: ROUNDS, time: 200 });
const ns = (lib) => msg.find((r) => r.lib === lib).nsPerOp;
check("64 B AES-128-CTR message: aes-wasm time / node:crypto time", ns("aes-wasm") / ns("node:crypto"), 0.33, "<=");
check("64 B AES-128-CTR message: WebCrypto time / aes-wasm time", ns("WebCrypto") / ns("aes-wasm"), 20);
const ks = await keySetupCase({ rounds: ROUNDS, time: 200 });
const ours = ks.find((r) => r.lib === "aes-wasm").opsPerSec;
const best = Math.max(...ks.filter((r) => r.lib !== "aes-wasm").map((r) => r.opsPerSec));
check("key setup + one block: aes-wasm / fastest peer (ops/s)", ours / best, 1);
for (const r of [...msg, ...ks]) console.log(`  ${r.kind} ${r.lib}: ${r.nsPerOp ? Math.round(r.nsPerOp) + " ns" : Math.round(r.opsPerSec) + " ops/s"}`);
