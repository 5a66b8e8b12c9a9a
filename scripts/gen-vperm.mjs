// Writes assembly/vperm-tables.generated.ts: the 16-entry nibble tables of the vector-permute
// AES kernel (assembly/vperm.ts), derived here from the field arithmetic and checked before
// anything is written. Run by hand after editing (the build does not run it):
//   node scripts/gen-vperm.mjs
//
// The idea (Hamburg, "Accelerating AES with vector permute instructions", CHES 2009): the
// S-box is the inverse in GF(2^8) followed by an affine map. Write GF(2^8) as a degree-2
// extension of GF(16), so that a byte is two nibbles (i, j) and every step of the inverse is
// a function of ONE nibble — a 16-entry table that `i8x16.swizzle` looks up in all 16 lanes
// at once, in registers, with no memory access indexed by data. That is the whole reason for
// this kernel: a single block (serial modes, tails, key schedule) without any secret-indexed
// load, at about the speed of a T-table block.
//
// The algebra (our derivation). β is a root of t^2 + t + N, irreducible over GF(16), so
// β̄ = β^16 = β + 1 and ββ̄ = N. A byte x is represented as x = i·β + j·β̄ with i, j in GF(16)
// (nibbles in the basis 1, ω, ω², ω³ of GF(16), ω a generator). Then x̄ = i·β̄ + j·β and the
// norm x·x̄ = N(i + j)^2 + ij, so x^-1 = x̄ / norm. With s = i + j and c = 1/N:
//   io = 1/(1/i + c/s) + j = norm / (N s + i),  jo = 1/(1/j + c/s) + i = norm / (N s + j)
// and with u = 1/io, v = 1/jo:  x^-1 = u·(Nβ + (1+N)β̄) + v·((1+N)β + Nβ̄).
// So the kernel looks up 1/i, 1/j, c/s, then 1/(1/i + c/s), 1/(1/j + c/s), and finally two
// output tables of io and jo whose entries already hold u·γ1 and v·γ2 pushed through
// whatever linear map comes next (the affine map, MixColumns' factor 2 or InvMixColumns'
// 9, 11, 13, 14, and the change of basis into the next round's (i, j) representation).
// Division by zero: 1/0 is stored as 0x80, an index >= 16, for which swizzle returns 0; it
// stays >= 16 after XOR with a nibble, so "1/(x + ∞) = 0" and "F(∞) = 0" fall out of the
// lookup rule itself. The model below checks all 256 inputs, zero included.
import fs from 'node:fs';
import crypto from 'node:crypto';

// ---------- GF(2^8), FIPS 197 §4.2
const gmul = (a, b) => { let r = 0; while (b) { if (b & 1) r ^= a; a <<= 1; if (a & 0x100) a ^= 0x11b; b >>= 1; } return r; };
const gpow = (a, e) => { let r = 1; for (let i = 0; i < e; i++) r = gmul(r, a); return r; };
const ginv = (a) => (a ? gpow(a, 254) : 0);
const rotl8 = (x, n) => ((x << n) | (x >> (8 - n))) & 0xff;
const affLin = (x) => x ^ rotl8(x, 1) ^ rotl8(x, 2) ^ rotl8(x, 3) ^ rotl8(x, 4); // FIPS 197 §5.1.1 without 0x63
const SBOX = Array.from({ length: 256 }, (_, x) => affLin(ginv(x)) ^ 0x63);
const INV_SBOX = []; SBOX.forEach((s, x) => (INV_SBOX[s] = x));
const affLinInv = (() => { const t = []; for (let x = 0; x < 256; x++) t[affLin(x)] = x; return (y) => t[y]; })();

// ---------- GF(16) inside GF(2^8), and the representation x = i·β + j·β̄
const omega = gpow(3, 17); // 3 generates GF(2^8)*, so 3^17 generates the subgroup of GF(16)*
const E = (n) => [0, 1, 2, 3].reduce((acc, k) => ((n >> k) & 1 ? acc ^ gpow(omega, k) : acc), 0);
const NIB = new Map(); for (let n = 0; n < 16; n++) NIB.set(E(n), n);
if (NIB.size !== 16) throw new Error('1, ω, ω², ω³ is not a basis of GF(16)');
const nib = (e) => { if (!NIB.has(e)) throw new Error(`${e} is not in GF(16)`); return NIB.get(e); };
let beta = -1;
for (let b = 2; b < 256 && beta < 0; b++) if (gpow(b, 16) !== b && (gpow(b, 16) ^ b) === 1) beta = b;
const betaBar = beta ^ 1;
const N = gmul(beta, betaBar);
nib(N); // N is in GF(16)
const phi = (v) => gmul(E(v & 15), beta) ^ gmul(E(v >> 4), betaBar); // (i, j) packed as a byte -> x
const L = []; for (let v = 0; v < 256; v++) L[phi(v)] = v; // x -> (i, j)
if (L.filter((v) => v !== undefined).length !== 256) throw new Error('(i, j) -> x is not a bijection');
const M = (x) => L[affLinInv(x)]; // decryption: the byte before InvSubBytes -> (i, j) of its inverse's input
const c = ginv(N);
const gamma1 = gmul(N, beta) ^ gmul(N ^ 1, betaBar);
const gamma2 = gmul(N ^ 1, beta) ^ gmul(N, betaBar);
const INF = 0x80;

// ---------- the tables (16 entries each)
const table = (f) => Array.from({ length: 16 }, (_, n) => f(n));
const inv16 = (n) => nib(ginv(E(n)));
const out = (gamma, lin) => table((n) => (n === 0 ? 0 : lin(gmul(gamma, ginv(E(n))))));
const T = {
  MASK_0F: table(() => 0x0f),
  INV: table((n) => (n === 0 ? INF : inv16(n))), // 1/n
  CINV: table((n) => (n === 0 ? INF : nib(gmul(c, ginv(E(n)))))), // c/n
  // x -> (i, j): standard byte to the representation, by low and high nibble (L is linear)
  L_LO: table((n) => L[n]), L_HI: table((n) => L[n << 4]),
  // Encryption, rounds 1..Nr-1: S-box (without 0x63, which goes into the round keys) and 2·S-box, in (i, j) form
  ENC_S_U: out(gamma1, (y) => L[affLin(y)]), ENC_S_V: out(gamma2, (y) => L[affLin(y)]),
  ENC_2S_U: out(gamma1, (y) => L[gmul(2, affLin(y))]), ENC_2S_V: out(gamma2, (y) => L[gmul(2, affLin(y))]),
  // The S-box as a standard byte (last round and SubWord), without 0x63
  SBOX_U: out(gamma1, affLin), SBOX_V: out(gamma2, affLin),
  // Decryption: byte -> (i, j) of A^-1(byte) (the affine constant goes into the keys)
  M_LO: table((n) => M(n)), M_HI: table((n) => M(n << 4)),
  // InvMixColumns factors of the inverse, in decryption's (i, j) form
  DEC_14_U: out(gamma1, (y) => M(gmul(14, y))), DEC_14_V: out(gamma2, (y) => M(gmul(14, y))),
  DEC_11_U: out(gamma1, (y) => M(gmul(11, y))), DEC_11_V: out(gamma2, (y) => M(gmul(11, y))),
  DEC_13_U: out(gamma1, (y) => M(gmul(13, y))), DEC_13_V: out(gamma2, (y) => M(gmul(13, y))),
  DEC_9_U: out(gamma1, (y) => M(gmul(9, y))), DEC_9_V: out(gamma2, (y) => M(gmul(9, y))),
  // The inverse as a standard byte (last decryption round)
  INV_U: out(gamma1, (y) => y), INV_V: out(gamma2, (y) => y),
};

// ---------- a lane-exact model of assembly/vperm.ts, checked before anything is written
// (in column-major state order; the kernel keeps the state row-major and folds ShiftRows into
// MixColumns' shuffles, which permutes bytes but changes no table).
const swz = (t, idx) => idx.map((k) => (k < 16 ? t[k] : 0));
const xor = (a, b) => a.map((x, k) => x ^ b[k]);
const lo = (v) => v.map((x) => x & 15);
const hi = (v) => v.map((x) => (x >> 4) & 15);
const perm = (v, p) => p.map((k) => v[k]);
const splat = (x) => Array(16).fill(x);
/** (i, j) nibbles -> [io, jo], the shared middle of every S-box evaluation. */
const inverseCore = (v) => {
  const i = lo(v), j = hi(v);
  const ak = swz(T.CINV, xor(i, j));
  const io = xor(swz(T.INV, xor(swz(T.INV, i), ak)), j);
  const jo = xor(swz(T.INV, xor(swz(T.INV, j), ak)), i);
  return [io, jo];
};
const both = (u, v, [io, jo]) => xor(swz(T[u], io), swz(T[v], jo));
const toRep = (x, tl, th) => xor(swz(T[tl], lo(x)), swz(T[th], hi(x)));
const ID = Array.from({ length: 16 }, (_, p) => p);
const SR = ID.map((p) => (p + 4 * (p & 3)) & 15); // state byte 4c + r comes from column c + r
const ISR = ID.map((p) => (p - 4 * (p & 3)) & 15);
const ROT = (k) => ID.map((p) => (p & ~3) | ((p + k) & 3)); // row r of a column takes row r + k

for (let x = 0; x < 256; x++) {
  const v = splat(x);
  if (both('SBOX_U', 'SBOX_V', inverseCore(toRep(v, 'L_LO', 'L_HI')))[0] !== (SBOX[x] ^ 0x63)) throw new Error(`S-box model wrong at ${x}`);
  if (both('INV_U', 'INV_V', inverseCore(toRep(v, 'M_LO', 'M_HI')))[0] !== INV_SBOX[x ^ 0x63]) throw new Error(`inverse S-box model wrong at ${x}`);
}

// Key forms (what assembly/vperm.ts's key preparation computes) and whole-block models.
const expand = (key) => {
  const nk = key.length / 4, nr = nk + 6, w = [];
  for (let i = 0; i < nk; i++) w.push([...key.subarray(4 * i, 4 * i + 4)]);
  let rcon = 1;
  for (let i = nk; i < 4 * (nr + 1); i++) {
    let t = [...w[i - 1]];
    if (i % nk === 0) { t = [SBOX[t[1]] ^ rcon, SBOX[t[2]], SBOX[t[3]], SBOX[t[0]]]; rcon = gmul(rcon, 2); }
    else if (nk > 6 && i % nk === 4) t = t.map((b) => SBOX[b]);
    w.push(w[i - nk].map((b, k) => b ^ t[k]));
  }
  return Array.from({ length: nr + 1 }, (_, r) => w.slice(4 * r, 4 * r + 4).flat());
};
const invMixCol = (k) => ID.map((p) => { const b = p & ~3, r = p & 3; return gmul(14, k[b + r]) ^ gmul(11, k[b + ((r + 1) & 3)]) ^ gmul(13, k[b + ((r + 2) & 3)]) ^ gmul(9, k[b + ((r + 3) & 3)]); });
const encKeys = (rk) => rk.map((k, r) => (r === 0 ? k : r === rk.length - 1 ? k.map((b) => b ^ 0x63) : k.map((b) => L[b ^ 0x63])));
const decKeys = (rk) => { const nr = rk.length - 1; return rk.map((_, q) => { const r = nr - q; return r === nr ? rk[r].map((b) => b ^ 0x63) : r === 0 ? rk[0] : invMixCol(rk[r]).map((b) => M(b ^ 0x63)); }); };
const encryptModel = (ek, block) => {
  const nr = ek.length - 1;
  let v = toRep(xor(block, ek[0]), 'L_LO', 'L_HI');
  for (let r = 1; r < nr; r++) {
    const core = inverseCore(perm(v, SR));
    const a = both('ENC_S_U', 'ENC_S_V', core), b = both('ENC_2S_U', 'ENC_2S_V', core);
    v = xor(xor(xor(b, perm(xor(a, b), ROT(1))), xor(perm(a, ROT(2)), perm(a, ROT(3)))), ek[r]); // 2a_r + 3a_(r+1) + a_(r+2) + a_(r+3)
  }
  return xor(both('SBOX_U', 'SBOX_V', inverseCore(perm(v, SR))), ek[nr]);
};
const decryptModel = (dk, block) => {
  const nr = dk.length - 1;
  let v = toRep(xor(block, dk[0]), 'M_LO', 'M_HI');
  for (let q = 1; q < nr; q++) {
    const core = inverseCore(perm(v, ISR));
    const t14 = both('DEC_14_U', 'DEC_14_V', core), t11 = both('DEC_11_U', 'DEC_11_V', core);
    const t13 = both('DEC_13_U', 'DEC_13_V', core), t9 = both('DEC_9_U', 'DEC_9_V', core);
    v = xor(xor(xor(t14, perm(t11, ROT(1))), xor(perm(t13, ROT(2)), perm(t9, ROT(3)))), dk[q]);
  }
  return xor(both('INV_U', 'INV_V', inverseCore(perm(v, ISR))), dk[nr]);
};
for (let trial = 0; trial < 300; trial++) {
  const key = crypto.randomBytes([16, 24, 32][trial % 3]);
  const block = crypto.randomBytes(16);
  const e = crypto.createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  const want = e.update(block);
  const rk = expand(key);
  const got = Buffer.from(encryptModel(encKeys(rk), [...block]));
  if (!got.equals(want)) throw new Error(`encryption model wrong (key ${key.toString('hex')})`);
  if (!Buffer.from(decryptModel(decKeys(rk), [...want])).equals(block)) throw new Error('decryption model wrong');
}

// ---------- emit
const names = Object.keys(T);
const hex = (b) => '0x' + b.toString(16).padStart(2, '0');
const code = `// GENERATED by scripts/gen-vperm.mjs — do not edit; change the script and rerun it.
// The nibble tables of the vector-permute kernel (assembly/vperm.ts), derived and checked by
// the script (a lane-exact model of the kernel against node:crypto). Public constants: they
// are the same for every key and every message, and only ever indexed inside a register by
// i8x16.swizzle, never as a memory address computed from data.
// Representation: β = ${hex(beta)}, β̄ = ${hex(betaBar)}, N = ββ̄ = ${hex(N)}, c = 1/N = ${hex(c)}, ω = ${hex(omega)}.
import { VP_TABLES } from "./layout";

${names.map((n, k) => `export const ${n}: usize = VP_TABLES + ${16 * k};`).join('\n')}
/** Bytes of the table region. */
export const VP_TABLES_SIZE: usize = ${16 * names.length};

/** Writes the tables into their region; run once when the module starts. */
export function writeVpermTables(): void {
${names.map((n) => `  v128.store(${n}, i8x16(${T[n].map((x) => (x > 127 ? x - 256 : x)).join(', ')}));`).join('\n')}
}
`;
fs.writeFileSync(new URL('../assembly/vperm-tables.generated.ts', import.meta.url), code);
console.log(`assembly/vperm-tables.generated.ts written: ${names.length} tables; S-box and inverse checked on all 256 bytes, 300 blocks against node:crypto (β=${hex(beta)}, N=${hex(N)})`);
