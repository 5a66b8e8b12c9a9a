// Kernel-only throughput of build/aes.wasm vs @noble/ciphers, AES-128 and AES-256.
// Each kernel runs in place over the 64 KiB IO window; noble runs on 1 MiB buffers. All
// measurements are interleaved round-robin (so drift hits every row alike) and the median
// of REPS rounds is reported.
//   node scripts/bench-kernels.mjs [wasm path] [--reps N] [--ms W] [--only ctr,cbcE] [--no-noble]
//                                  [--vs other.wasm] [--check]
// --vs also times another build (e.g. the previous one) in the same interleaved rounds.
// --check first runs a differential test of the kernels against node:crypto with split calls,
// odd block counts and CTR counter masks (what the smoke test does not cover), then exits.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { ctr as nCtr, cbc as nCbc, ecb as nEcb, cfb as nCfb } from '@noble/ciphers/aes.js';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i < 0 ? def : args.splice(i, 2)[1];
};
const REPS = +opt('--reps', 31);
const WINDOW_MS = +opt('--ms', 5);
const ONLY = opt('--only', '');
const VS = opt('--vs', '');
const noNoble = args.includes('--no-noble');
const wasmPath = args.find((a) => !a.startsWith('--')) ?? 'build/aes.wasm';

const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), {});
const e = instance.exports;
const m = new Uint8Array(e.memory.buffer);
const IO = e.IO.value;
const WIN = 65536;
const slot = (e.heapBase() + 63) & ~63;
const st = slot + e.KEY_SLOT_SIZE.value;

if (args.includes('--check')) {
  let fails = 0;
  const rnd = (n) => crypto.randomBytes(n);
  const ok = (what, a, b) => {
    if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) {
      fails++;
      console.log('FAIL', what);
    }
  };
  // Runs `kernel(len)` over data in random chunks (multiples of `unit` bytes).
  const chunked = (data, unit, kernel) => {
    const out = Buffer.alloc(data.length);
    for (let off = 0; off < data.length; ) {
      let n = Math.min(data.length - off, unit * (1 + Math.floor(Math.random() * (40 / unit + 3))));
      if (Math.random() < 0.1) n = Math.min(data.length - off, 4096 + unit * 3);
      m.set(data.subarray(off, off + n), IO);
      kernel(n);
      out.set(m.subarray(IO, IO + n), off);
      off += n;
    }
    return out;
  };
  const setState = (iv, maskBits = 128) => {
    m.fill(0, st, st + 64);
    m.set(iv, st);
    let mask = (1n << BigInt(maskBits)) - 1n;
    for (let j = 15; j >= 0; j--, mask >>= 8n) m[st + 32 + j] = Number(mask & 0xffn);
  };
  // CTR reference for a partial counter mask: node's ECB over the counter blocks.
  const ctrRef = (key, iv, maskBits, data) => {
    const bits = key.length * 8;
    const nb = Math.ceil(data.length / 16);
    const blocks = Buffer.alloc(nb * 16);
    const mask = (1n << BigInt(maskBits)) - 1n;
    let c = BigInt('0x' + iv.toString('hex'));
    for (let b = 0; b < nb; b++) {
      blocks.write(c.toString(16).padStart(32, '0'), b * 16, 'hex');
      c = (c & ~mask) | ((c + 1n) & mask);
    }
    const e = crypto.createCipheriv(`aes-${bits}-ecb`, key, null);
    e.setAutoPadding(false);
    const ks = Buffer.concat([e.update(blocks), e.final()]);
    return data.map((x, j) => x ^ ks[j]);
  };
  const node = (name, key, iv, data, dec) => {
    const c = (dec ? crypto.createDecipheriv : crypto.createCipheriv)(name, key, iv);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]);
  };
  for (const kl of [16, 24, 32]) {
    const bits = kl * 8;
    for (let trial = 0; trial < 12; trial++) {
      const key = rnd(kl);
      m.set(key, IO);
      e.expandKey(slot, IO, kl);
      const nBlocks = [0, 1, 2, 3, 5, 17, 300, 1000][trial % 8];
      const data = rnd(nBlocks * 16);
      const iv = rnd(16);
      const blockKernels = [
        ['ecbE', 16, (l) => e.ecbEncrypt(slot, IO, l), `aes-${bits}-ecb`, null, false],
        ['ecbD', 16, (l) => e.ecbDecrypt(slot, IO, l), `aes-${bits}-ecb`, null, true],
        ['cbcE', 16, (l) => e.cbcEncrypt(slot, st, IO, l), `aes-${bits}-cbc`, iv, false],
        ['cbcD', 16, (l) => e.cbcDecrypt(slot, st, IO, l), `aes-${bits}-cbc`, iv, true],
      ];
      for (const [name, unit, k, nn, v, dec] of blockKernels) {
        setState(v ?? rnd(16));
        ok(`${bits} ${name} ${nBlocks} blocks`, chunked(data, unit, k), node(nn, key, v, data, dec));
      }
      const sdata = rnd(nBlocks * 16 + (trial % 16));
      const streams = [
        ['cfbE', (l) => e.cfbEncrypt(slot, st, IO, l), `aes-${bits}-cfb`, false],
        ['cfbD', (l) => e.cfbDecrypt(slot, st, IO, l), `aes-${bits}-cfb`, true],
        ['ofb', (l) => e.ofb(slot, st, IO, l), `aes-${bits}-ofb`, false],
        ['ctr', (l) => e.ctr(slot, st, IO, l), `aes-${bits}-ctr`, false],
      ];
      for (const unit of [1, 7, 16]) {
        for (const [name, k, nn, dec] of streams) {
          setState(iv);
          ok(`${bits} ${name} unit ${unit} ${sdata.length} bytes`, chunked(sdata, unit, k), node(nn, key, iv, sdata, dec));
        }
      }
      // CTR with counter masks and starting counters near byte / word boundaries.
      for (const maskBits of [128, 64, 32, 16, 9, 8, 7, 4]) {
        const civ = Buffer.from(iv);
        if (trial % 3 == 1) civ.fill(0xff, Math.max(0, 16 - Math.ceil(maskBits / 8) - 1));
        if (trial % 3 == 2) civ[15] = 0xf0 + trial;
        setState(civ, maskBits);
        ok(`${bits} ctr mask ${maskBits} ${sdata.length} bytes`, chunked(sdata, 7, (l) => e.ctr(slot, st, IO, l)), ctrRef(key, civ, maskBits, sdata));
      }
    }
  }
  // Single-block exports and CFB8/CFB1 ride on block.ts.
  console.log(fails ? `check: ${fails} FAILED` : 'check: all OK');
  process.exit(fails ? 1 : 0);
}

const MiB = 1 << 20;
const nData = crypto.randomBytes(MiB);
const iv = crypto.randomBytes(16);

// Runs fn enough times for ~`ms` milliseconds; returns MB/s.
function time(fn, bytes, ms = WINDOW_MS) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    n++;
    t = performance.now();
  } while (t - t0 < ms);
  return (n * bytes) / (t - t0) / 1000;
}

const rows = [];
// Kernel rows for one module instance (`kind` labels its column).
function kernelRows(kind, x, kl, key) {
  const bits = kl * 8;
  const xs = (x.e.heapBase() + 63) & ~63;
  const xst = xs + x.e.KEY_SLOT_SIZE.value;
  const xio = x.e.IO.value;
  const setup = () => {
    x.m.set(key, xio);
    x.e.expandKey(xs, xio, kl);
    x.m.set(crypto.randomBytes(WIN), xio);
    x.m.fill(0, xst, xst + 64);
    x.m.fill(0xff, xst + 32, xst + 48); // CTR: full 128-bit counter
  };
  const k = (name, fn) => ({ name: `${bits} ${name}`, kind, setup, fn, bytes: WIN });
  const e = x.e;
  return [
    k('ctr', () => e.ctr(xs, xst, xio, WIN)),
    k('ecbE', () => e.ecbEncrypt(xs, xio, WIN)),
    k('ecbD', () => e.ecbDecrypt(xs, xio, WIN)),
    k('cbcE', () => e.cbcEncrypt(xs, xst, xio, WIN)),
    k('cbcD', () => e.cbcDecrypt(xs, xst, xio, WIN)),
    k('cfbE', () => e.cfbEncrypt(xs, xst, xio, WIN)),
    k('cfbD', () => e.cfbDecrypt(xs, xst, xio, WIN)),
    k('ofb', () => e.ofb(xs, xst, xio, WIN)),
  ];
}
const base = VS ? await WebAssembly.instantiate(fs.readFileSync(VS), {}) : null;
const baseX = base && { e: base.instance.exports, m: new Uint8Array(base.instance.exports.memory.buffer) };
for (const kl of [16, 32]) {
  const key = crypto.randomBytes(kl);
  const bits = kl * 8;
  const nb = (name, fn) => ({ name: `${bits} ${name}`, kind: 'noble', setup: () => {}, fn, bytes: MiB });
  rows.push(...kernelRows('wasm', { e, m }, kl, key));
  if (baseX) rows.push(...kernelRows('base', baseX, kl, key));
  if (!noNoble) {
    // noble refuses to reuse a (key, nonce) cipher object, so each call makes a fresh one
    // (its key expansion is negligible next to 1 MiB).
    const np = { disablePadding: true };
    rows.push(
      nb('ctr', () => nCtr(key, iv).encrypt(nData)),
      nb('ecbE', () => nEcb(key, np).encrypt(nData)),
      nb('ecbD', () => nEcb(key, np).decrypt(nData)),
      nb('cbcE', () => nCbc(key, iv, np).encrypt(nData)),
      nb('cbcD', () => nCbc(key, iv, np).decrypt(nData)),
      nb('cfbE', () => nCfb(key, iv).encrypt(nData)),
      nb('cfbD', () => nCfb(key, iv).decrypt(nData)),
    );
  }
}
const active = ONLY
  ? rows.filter((r) => ONLY.split(',').some((o) => r.name.endsWith(' ' + o)))
  : rows;

// Warm-up (tier-up of both the wasm and noble's JS), then interleaved rounds.
for (const r of active) {
  r.setup();
  time(r.fn, r.bytes, 50);
  r.samples = [];
}
for (let rep = 0; rep < REPS; rep++) {
  for (const r of active) {
    r.setup();
    r.samples.push(time(r.fn, r.bytes));
  }
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
};
const byName = new Map();
for (const r of active) {
  const v = byName.get(r.name) ?? {};
  v[r.kind] = median(r.samples);
  v[r.kind + 'Best'] = Math.max(...r.samples);
  byName.set(r.name, v);
}
// Medians are the headline; on a shared machine the best round shows the uncontended speed.
const f = (x) => (x ? x.toFixed(1) : '-');
const q = (a, b) => (a && b ? (a / b).toFixed(2) + 'x' : '');
console.log('MB/s, median (best) of', REPS, 'rounds');
const cell = (v, kind) => (v[kind] ? `${f(v[kind])} (${f(v[kind + 'Best'])})` : '-');
console.log('kernel'.padEnd(10), 'wasm'.padStart(16), 'noble'.padStart(16), 'ratio'.padStart(7),
  'best/best'.padStart(10), ...(VS ? ['vs: ' + VS, 'speed-up'] : []));
for (const [name, v] of byName) {
  console.log(name.padEnd(10), cell(v, 'wasm').padStart(16), cell(v, 'noble').padStart(16),
    q(v.wasm, v.noble).padStart(7), q(v.wasmBest, v.nobleBest).padStart(10),
    ...(VS ? [cell(v, 'base').padStart(16), `${q(v.wasm, v.base)} (${q(v.wasmBest, v.baseBest)})`] : []));
}
