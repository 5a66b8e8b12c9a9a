// The S-box circuit derivation shared by the two bitsliced generators (scripts/gen-bitsliced.mjs
// for WASM SIMD, scripts/gen-bitsliced32.mjs for the 32-bit TypeScript fallback): GF(2^8), the
// tower field GF(((2^2)^2)^2) with parameters (N4, M16), and a gate-list builder for the S-box
// and its inverse (Karatsuba products, greedily shared XORs in the linear maps).
// ---------- GF(2^8) and the tower field
export const gm = (a, b) => { let r = 0; while (b) { if (b & 1) r ^= a; a <<= 1; if (a & 0x100) a ^= 0x11b; b >>= 1; } return r; };
export const gp = (a, e) => { let r = 1; for (let i = 0; i < e; i++) r = gm(r, a); return r; };
export const ginv = (a) => (a ? gp(a, 254) : 0);
export const affL = (x) => { let r = 0; for (let b = 0; b < 8; b++) { const bit = [0, 4, 5, 6, 7].reduce((acc, o) => acc ^ ((x >> ((b + o) % 8)) & 1), 0); r |= bit << b; } return r; };
export const affLinv = (() => { const t = []; for (let x = 0; x < 256; x++) t[affL(x)] = x; return (y) => t[y]; })();
export const m4 = (a, b) => { const a1 = a >> 1, a0 = a & 1, b1 = b >> 1, b0 = b & 1; const p = a1 & b1, q = a0 & b0, r = (a1 ^ a0) & (b1 ^ b0); return ((r ^ q) << 1) | (p ^ q); };
export function tower(N4, M16) {
  const m16 = (a, b) => { const A1 = a >> 2, A0 = a & 3, B1 = b >> 2, B0 = b & 3; const P = m4(A1, B1), Q = m4(A0, B0), R = m4(A1 ^ A0, B1 ^ B0); return ((R ^ Q) << 2) | (m4(P, N4) ^ Q); };
  const m256 = (a, b) => { const A1 = a >> 4, A0 = a & 15, B1 = b >> 4, B0 = b & 15; const P = m16(A1, B1), Q = m16(A0, B0), R = m16(A1 ^ A0, B1 ^ B0); return ((R ^ Q) << 4) | (m16(P, M16) ^ Q); };
  return { m16, m256 };
}

// ---------- circuit builder (common subexpressions shared)
export function circuit(N4, M16, inMap, outMap) {
  const { m16 } = tower(N4, M16);
  const gates = [], seen = new Map();
  const g = (op, a, b) => { if (a > b) [a, b] = [b, a]; const k = `${op}${a},${b}`; if (seen.has(k)) return seen.get(k); gates.push({ op, a, b }); seen.set(k, 7 + gates.length); return 7 + gates.length; };
  const matrix = (f, n) => Array.from({ length: n }, (_, j) => { let r = 0; for (let i = 0; i < n; i++) if ((f(1 << i) >> j) & 1) r |= 1 << i; return r; });
  const linear = (bits, rows) => { // greedy pairing of the most shared column pairs (Paar)
    let cols = bits.slice();
    for (;;) {
      let best = 1, bi = -1, bj = -1;
      for (let i = 0; i < cols.length; i++) for (let j = i + 1; j < cols.length; j++) {
        let c = 0; for (const r of rows) if ((r >> i) & (r >> j) & 1) c++;
        if (c > best) { best = c; bi = i; bj = j; }
      }
      if (bi < 0) break;
      const n = cols.length; cols.push(g("xor", cols[bi], cols[bj]));
      rows = rows.map((r) => ((r >> bi) & (r >> bj) & 1 ? (r & ~(1 << bi) & ~(1 << bj)) | (1 << n) : r));
    }
    return rows.map((r) => { let acc = -1; cols.forEach((c, i) => { if ((r >> i) & 1) acc = acc < 0 ? c : g("xor", acc, c); }); return acc; });
  };
  const lin = (bits, f) => linear(bits, matrix(f, bits.length));
  const x2 = (a, b) => a.map((s, i) => g("xor", s, b[i]));
  const mul4 = (a, b) => { const p = g("and", a[1], b[1]), q = g("and", a[0], b[0]), r = g("and", g("xor", a[1], a[0]), g("xor", b[1], b[0])); return [g("xor", p, q), g("xor", r, q)]; };
  const mul16 = (a, b) => { const A0 = a.slice(0, 2), A1 = a.slice(2), B0 = b.slice(0, 2), B1 = b.slice(2); const P = mul4(A1, B1), Q = mul4(A0, B0), R = mul4(x2(A1, A0), x2(B1, B0)); return [...x2(lin(P, (v) => m4(v, N4)), Q), ...x2(R, Q)]; };
  const inv16 = (a) => { const A0 = a.slice(0, 2), A1 = a.slice(2); const d = x2(x2(lin(A1, (v) => m4(m4(v, v), N4)), mul4(A1, A0)), lin(A0, (v) => m4(v, v))); const di = lin(d, (v) => m4(v, v)); return [...mul4(x2(A0, A1), di), ...mul4(A1, di)]; };
  const inv256 = (x) => { const X0 = x.slice(0, 4), X1 = x.slice(4); const D = x2(x2(lin(X1, (v) => m16(m16(v, v), M16)), mul16(X1, X0)), lin(X0, (v) => m16(v, v))); const Di = inv16(D); return [...mul16(x2(X0, X1), Di), ...mul16(X1, Di)]; };
  const out = lin(inv256(lin([0, 1, 2, 3, 4, 5, 6, 7], inMap)), outMap);
  const live = new Set(); const st = [...out];
  while (st.length) { const s = st.pop(); if (s < 8 || live.has(s)) continue; live.add(s); const q = gates[s - 8]; st.push(q.a, q.b); }
  const evalAt = (x) => { const v = []; for (let i = 0; i < 8; i++) v[i] = (x >> i) & 1; gates.forEach((q, k) => { v[8 + k] = q.op === "xor" ? v[q.a] ^ v[q.b] : v[q.a] & v[q.b]; }); return out.reduce((acc, s, j) => acc | (v[s] << j), 0); };
  return { gates, out, live, evalAt, count: live.size, params: { N4, M16 } };
}
