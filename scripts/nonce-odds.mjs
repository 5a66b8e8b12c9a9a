// Collision odds of NonceSource counter blocks in the degraded case (store reset AND clock set
// back, so N values repeat), checked by simulation against the formula in docs/nonces.md.
//
// The real space of the random part is 2^72: collisions there are never observed. So the
// simulation runs the real NonceSource (built dist/) with a random source that fills only the
// low `bits` bits of C, where collisions are frequent enough to count, and compares with the
// same formula evaluated at `bits`. Then it prints the formula at 72 bits.
//   node scripts/nonce-odds.mjs [--trials 1000]
import { NonceSource } from "../dist/nonce/source.js";
import { MemoryNonceStore } from "../dist/nonce/stores.js";

const arg = process.argv.indexOf("--trials");
const TRIALS = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
const T0 = Date.UTC(2025, 0, 1);

/** P(two block ranges of L blocks, starts uniform in [0, 2^bits), overlap): |C1 − C2| < L. */
function pairOdds(L, bits) {
  const S = 2 ** bits;
  return (2 * L - 1) / S - (L * (L - 1)) / (S * S);
}

/** P(any collision) when m messages of one timeline each share their N with one of the other. */
function replayOdds(m, L, bits) {
  return -Math.expm1(m * Math.log1p(-pairOdds(L, bits)));
}

/** A timeline: a fresh store (wiped), the clock at T0 again, m messages of L blocks. */
async function timeline(m, bits) {
  const source = new NonceSource({
    store: new MemoryNonceStore(),
    now: () => T0,
    random: (b) => {
      b.fill(0);
      const r = crypto.getRandomValues(new Uint32Array(1))[0] % 2 ** bits;
      b[8] = r & 0xff;
      b[7] = r >>> 8;
    },
  });
  const out = [];
  for (let i = 0; i < m; i++) {
    const block = await source.next();
    const n = block.subarray(0, 6).reduce((x, y) => x * 256 + y, 0);
    const c = (block[14] << 8) | block[15]; // the low bytes of C: random(b) got block[7..15]
    out.push({ n, c });
  }
  return out;
}

function collides(a, b, L) {
  const byN = new Map(a.map((x) => [x.n, x.c]));
  return b.some(({ n, c }) => byN.has(n) && Math.abs(byN.get(n) - c) < L);
}

const CASES = [
  { bits: 10, L: 1, m: 64 },
  { bits: 12, L: 8, m: 64 },
  { bits: 16, L: 256, m: 32 },
  { bits: 16, L: 1024, m: 16 },
];

let failed = false;
console.log(`degraded case, simulated with a shrunken random field, ${TRIALS} trials each`);
console.log("bits  L(blocks)  m   observed  predicted  within 4σ");
for (const { bits, L, m } of CASES) {
  let hits = 0;
  for (let t = 0; t < TRIALS; t++) if (collides(await timeline(m, bits), await timeline(m, bits), L)) hits++;
  const p = replayOdds(m, L, bits);
  const observed = hits / TRIALS;
  const sigma = Math.sqrt((p * (1 - p)) / TRIALS);
  const ok = Math.abs(observed - p) <= 4 * sigma;
  failed ||= !ok;
  console.log(`${String(bits).padEnd(5)} ${String(L).padEnd(10)} ${String(m).padEnd(4)}${observed.toFixed(4).padStart(8)}  ${p.toFixed(4).padStart(9)}  ${ok ? "yes" : "NO"}`);
}

console.log("\nthe formula at the real 72 random bits: P(any collision) = 1 − (1 − p)^m ≈ m · (2L − 1) / 2^72");
const lengths = [["1 KiB", 2 ** 6], ["1 MiB", 2 ** 16], ["1 GiB", 2 ** 26], ["64 GiB (default max)", 2 ** 32]];
const counts = [["2^20", 2 ** 20], ["2^30", 2 ** 30], ["2^40", 2 ** 40]];
console.log(`| message length | ${counts.map(([n]) => `m = ${n}`).join(" | ")} |`);
console.log(`|---|${counts.map(() => "---").join("|")}|`);
for (const [name, L] of lengths) {
  console.log(`| ${name} | ${counts.map(([, m]) => replayOdds(m, L, 72)).map((p) => (p > 0.1 ? p.toFixed(2) : p.toExponential(1))).join(" | ")} |`);
}
if (failed) {
  console.error("simulation disagrees with the formula");
  process.exit(1);
}
