// Property-based fuzzing of the rest of the public surface: the node:crypto facade (every
// cipher name, random splits, setAutoPadding, key/IV views), single blocks, CTR random access
// (keystreamBlock, seek), hex helpers, the WebCrypto-shaped `subtle`, the stream adapters
// (with aborts), hostile arguments to every entry point, and serialisation of every object
// after random use. Expected values come from node:crypto in the test; every failure must be a
// typed AesError (SubtleError for `subtle`), and the process must keep working after any of
// them. See test/helpers/fuzz.ts for FUZZ_SEED / FUZZ_ITER / FUZZ_TIME_MS.
import nodeCrypto from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import util from "node:util";
import { describe, expect, it } from "vitest";
import {
  aesKey, bytesToHex, CIPHER_NAMES, createCipheriv, createDecipheriv, decryptBlockHex, encryptBlockHex, hexToBytes, toTransformStream,
} from "../src/index.js";
import { subtle, SubtleError } from "../src/subtle/index.js";
import { toNodeTransform } from "../src/index.node.js";
import { AesError, CounterExhaustedError, DataLengthError, DecryptionError, InputTypeError, StateError } from "../src/errors.js";
import { activeCore } from "../src/wasm/backend.js";
import {
  assertNoSecretInMemory, check, fuzz, fuzzAsync, isError, logSeed, outcome, POLLUTION, probesOf, randomIo, randomView, sameBytes,
  withPollution, xor, type Gen,
} from "./helpers/fuzz.js";
import { ctrKeystream, expected, gcmSeal, keyWrap, type OracleMode } from "./helpers/fuzz-oracle.js";

logSeed("test/fuzz-api.test.ts");

function facadeCase(g: Gen): void {
  const name = g.pick([...CIPHER_NAMES, "aes-128-gcm", "aes-256-gcm"]);
  const [, bitsStr, mode] = name.split("-") as [string, string, string];
  const keyBytes = g.bytes(Number(bitsStr) / 8);
  const gcm = mode === "gcm";
  const iv = mode === "ecb" ? null : g.bytes(gcm ? 12 : 16);
  const encrypt = g.bool();
  const autoPadding = g.bool(0.8);
  let data = g.bytes(Math.min(g.length(), mode === "cfb1" ? 2000 : 140_000));
  const oracleName = name as "aes-128-cbc";
  if (!encrypt && (mode === "ecb" || mode === "cbc") && g.bool(0.7)) {
    const c = nodeCrypto.createCipheriv(oracleName, keyBytes, iv);
    c.setAutoPadding(autoPadding || data.length % 16 !== 0);
    try {
      data = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
    } catch { /* left as is */ }
  }
  // node's own answer for the whole message (or its refusal)
  let exp: Uint8Array | null;
  let tag: Uint8Array | undefined;
  try {
    if (gcm) {
      const sealed = gcmSeal(keyBytes, iv!, encrypt ? data : new Uint8Array(0), undefined);
      exp = encrypt ? sealed.subarray(0, data.length) : null;
      tag = sealed.subarray(encrypt ? data.length : 0);
      if (!encrypt) {
        // decrypt genuine ciphertext
        const s2 = gcmSeal(keyBytes, iv!, data, undefined);
        exp = data;
        data = s2.subarray(0, data.length);
        tag = s2.subarray(data.length);
      }
    } else {
      const c = encrypt ? nodeCrypto.createCipheriv(oracleName, keyBytes, iv) : nodeCrypto.createDecipheriv(oracleName, keyBytes, iv);
      c.setAutoPadding(autoPadding);
      exp = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
    }
  } catch {
    exp = null;
  }
  const keyView = randomView(g, keyBytes).view as Uint8Array;
  const ivView = iv && (randomView(g, iv).view as Uint8Array);
  const c = encrypt ? createCipheriv(name as never, keyView, ivView as never) : createDecipheriv(name as never, keyView, ivView as never);
  const what = `${name} ${encrypt ? "enc" : "dec"} ${data.length} B autoPadding ${autoPadding}`;
  if (!autoPadding || g.bool(0.2)) c.setAutoPadding(autoPadding);
  if (gcm && !encrypt) (c as unknown as { setAuthTag(t: Uint8Array): void }).setAuthTag(tag!);
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const n of g.splits(data.length)) {
    parts.push(c.update(randomView(g, data.subarray(off, off + n)).view as Uint8Array).slice());
    off += n;
  }
  const f = outcome(() => c.final());
  if (exp === null) {
    check(isError(f) && (f instanceof DecryptionError || f instanceof DataLengthError), `${what}: node refused, we gave ${String(f)}`);
  } else {
    check(!isError(f), `${what}: ${String(f)}`);
    sameBytes(Buffer.concat([...parts, f as Uint8Array]), exp, what);
    if (gcm && encrypt) sameBytes((c as unknown as { getAuthTag(): Uint8Array }).getAuthTag(), tag!, `${what}: tag`);
  }
  check(outcome(() => c.update(new Uint8Array(1))) instanceof StateError, `${what}: update after final`);
  assertNoSecretInMemory(probesOf(encrypt ? data : exp ?? undefined, !["ecb", "cbc"].includes(mode) && exp ? xor(data, exp) : undefined), what);
}

function blocksCase(g: Gen): void {
  const keyBytes = g.bytes(g.pick([16, 24, 32]));
  const key = aesKey(keyBytes);
  try {
    const block = g.bytes(g.bool(0.9) ? 16 : g.pick([0, 15, 17, 32]));
    const encrypt = g.bool();
    const io = randomIo(g, block, 16);
    const r = outcome(() => (encrypt ? key.encryptBlock(io.input.view as Uint8Array, io.output) : key.decryptBlock(io.input.view as Uint8Array, io.output)));
    if (block.length !== 16) {
      check(r instanceof DataLengthError, `block of ${block.length}: ${String(r)}`);
      return;
    }
    if (isError(r)) {
      check(io.kind === "short" && r instanceof DataLengthError, `block ${io.kind}: ${String(r)}`);
      if (io.before) sameBytes(io.output!, io.before, "output after a refused block");
      return;
    }
    sameBytes(r, expected("ecb", keyBytes, null, block, encrypt, "none")!, `block ${encrypt ? "enc" : "dec"} ${io.kind}`);
    if (!encrypt) assertNoSecretInMemory(probesOf(r), "decryptBlock");
    // CTR random access
    const iv = g.bytes(16);
    if (g.bool(0.3)) iv.fill(0xff, 8);
    const counterBits = g.pick([128, 64, 32, 8, 1]);
    const mode = key.ctr(iv, { counterBits });
    const space = 2n ** BigInt(counterBits);
    const i = g.pick([0n, 1n, 2n, 255n, 2n ** 31n, space - 1n, space]);
    const index = g.bool() && i <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(i) : i;
    const ks = outcome(() => mode.keystreamBlock(index));
    if (i >= space) check(ks instanceof CounterExhaustedError, `keystreamBlock(${i}) with ${counterBits} bits: ${String(ks)}`);
    else if (i < 1000n) {
      const n = Number(i);
      sameBytes(ks as Uint8Array, ctrKeystream(keyBytes, iv, counterBits, (n + 1) * 16).subarray(n * 16), `keystreamBlock(${i})`);
      assertNoSecretInMemory(probesOf(ks as Uint8Array), "keystreamBlock");
    }
    // seek: a decryptor at a random offset gives the same bytes as the whole message
    const msg = g.bytes(g.int(3000) + 1);
    const ct = xor(msg, ctrKeystream(keyBytes, iv, 128, msg.length));
    const at = g.int(msg.length);
    const d = key.ctr(iv).decryptor();
    d.seek(at);
    sameBytes(d.update(ct.subarray(at)), msg.subarray(at), `seek(${at})`);
    d.final();
    assertNoSecretInMemory(probesOf(msg.subarray(at)), "seek");
  } finally {
    key.dispose();
  }
}

function hexCase(g: Gen): void {
  const bytes = g.bytes(g.int(100));
  const v = randomView(g, bytes);
  check(bytesToHex(v.view as Uint8Array) === Buffer.from(bytes).toString("hex"), `bytesToHex(${v.kind})`);
  const valid = g.bool(0.7);
  let hex = Buffer.from(bytes).toString("hex");
  if (g.bool(0.3)) hex = hex.toUpperCase();
  if (!valid) {
    const at = g.int(hex.length + 1);
    hex = hex.slice(0, at) + g.pick(["g", "0", " ", "\u0660", "x", "-", "\u{1F600}"]) + hex.slice(at);
  }
  const r = outcome(() => hexToBytes(hex));
  const nodeOk = /^[0-9a-fA-F]*$/.test(hex) && hex.length % 2 === 0;
  if (nodeOk) sameBytes(r as Uint8Array, new Uint8Array(Buffer.from(hex, "hex")), "hexToBytes");
  else check(r instanceof InputTypeError, `hexToBytes(${JSON.stringify(hex.slice(0, 20))}): ${String(r)}`);
  const k = g.bytes(16), b = g.bytes(16);
  check(encryptBlockHex(bytesToHex(k), bytesToHex(b)) === Buffer.from(expected("ecb", k, null, b, true, "none")!).toString("hex"), "encryptBlockHex");
  check(decryptBlockHex(bytesToHex(k), bytesToHex(b)) === Buffer.from(expected("ecb", k, null, b, false, "none")!).toString("hex"), "decryptBlockHex");
}

/** Arguments no entry point should accept: each must be refused with a typed error. */
function hostile(g: Gen): unknown {
  const detached = new Uint8Array(16);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  return g.pick([
    undefined, null, 0, 16, "0123456789abcdef", [1, 2, 3], new ArrayBuffer(16), { length: 16 }, { buffer: new ArrayBuffer(16), byteLength: 16, byteOffset: 0 },
    new Proxy(new Uint8Array(16), {}), detached, new Uint8Array(new ArrayBuffer(8), 8), Symbol("x"), 10n, () => 1,
    Object.create(Uint8Array.prototype) as unknown,
  ]);
}

function hostileCase(g: Gen): void {
  const core = activeCore();
  const before = core.stats().slotsInUse;
  const key = aesKey(new Uint8Array(16));
  const bad = hostile(g);
  const iv = new Uint8Array(16), data = new Uint8Array(32);
  const calls: [string, () => unknown][] = [
    ["aesKey", () => aesKey(bad as Uint8Array)],
    ["ctr iv", () => key.ctr(bad as Uint8Array)],
    ["cbc iv", () => key.cbc(bad as Uint8Array)],
    ["gcm iv", () => key.gcm(bad as Uint8Array)],
    ["ctr options", () => key.ctr(iv, bad as never).encrypt(data)],
    ["cbc options", () => key.cbc(iv, bad as never).encrypt(data)],
    ["gcm options", () => key.gcm(iv, bad as never).encrypt(data)],
    ["encrypt", () => key.ctr(iv).encrypt(bad as Uint8Array)],
    ["encrypt output", () => key.ctr(iv).encrypt(data, bad as Uint8Array)],
    ["cbc decrypt", () => key.cbc(iv).decrypt(bad as Uint8Array)],
    ["gcm decrypt", () => key.gcm(iv).decrypt(bad as Uint8Array)],
    ["gcm aad", () => key.gcm(iv).encryptor().setAAD(bad as Uint8Array)],
    ["update", () => key.ofb(iv).encryptor().update(bad as Uint8Array)],
    ["kw wrap", () => key.kw().wrap(bad as Uint8Array)],
    ["kwp unwrap", () => key.kwp().unwrap(bad as Uint8Array)],
    ["encryptBlock", () => key.encryptBlock(bad as Uint8Array)],
    ["keystreamBlock", () => key.ctr(iv).keystreamBlock(bad as number)],
    ["seek", () => key.ctr(iv).decryptor().seek(bad as number)],
    ["createCipheriv name", () => createCipheriv(bad as never, new Uint8Array(16), iv)],
    ["createCipheriv key", () => createCipheriv("aes-128-ctr", bad as Uint8Array, iv)],
    ["createCipheriv iv", () => createCipheriv("aes-128-cbc", new Uint8Array(16), bad as Uint8Array)],
    ["createCipheriv gcm options", () => createCipheriv("aes-128-gcm", new Uint8Array(16), iv, bad as never).final()],
    ["cipher update", () => createCipheriv("aes-128-ctr", new Uint8Array(16), iv).update(bad as Uint8Array)],
    ["setAuthTag", () => createDecipheriv("aes-128-gcm", new Uint8Array(16), iv).setAuthTag(bad as Uint8Array)],
    ["bytesToHex", () => bytesToHex(bad as Uint8Array)],
    ["hexToBytes", () => hexToBytes(bad as string)],
  ];
  const [label, fn] = g.pick(calls);
  const r = outcome(fn); // an untyped error fails here
  // Some hostile values are acceptable for some arguments (undefined options, a number index,
  // an IV-less ECB...): only an untyped throw or a wrong result would be a bug, and the
  // result's correctness is covered elsewhere. The process must keep working:
  void r;
  void label;
  const probe = aesKey(new Uint8Array(16).fill(7));
  sameBytes(probe.ctr(iv).encrypt(data), expected("ctr", new Uint8Array(16).fill(7), iv, data, true)!, `a key after ${label}(${typeof bad})`);
  probe.dispose();
  key.dispose();
  // (facade objects made by a call and left unfinished keep their key until collected: not checked)
  void core;
  void before;
}

function serialiseCase(g: Gen): void {
  const keyBytes = g.bytes(16);
  const plain = g.bytes(48);
  const key = aesKey(keyBytes);
  const iv = g.bytes(16);
  const objects: unknown[] = [key, key.ecb(), key.cbc(iv), key.cfb(iv), key.ofb(iv), key.ctr(iv), key.gcm(iv), key.kw(), key.kwp()];
  const enc = g.pick([() => key.cbc(iv).encryptor(), () => key.ctr(iv).encryptor(), () => key.gcm(iv).encryptor(), () => createCipheriv("aes-128-cbc", keyBytes, iv), () => createCipheriv("aes-128-gcm", keyBytes, iv)])();
  enc.update(plain.subarray(0, g.int(48)));
  objects.push(enc, { nested: [key, enc] });
  const needles = [Buffer.from(keyBytes.subarray(0, 6)).toString("hex"), Array.from(keyBytes.subarray(0, 5)).join(","), Array.from(plain.subarray(0, 5)).join(","), Array.from(keyBytes.subarray(0, 5)).join(", "), Array.from(plain.subarray(0, 5)).join(", ")];
  for (const o of objects) {
    const s = [JSON.stringify(o), util.inspect(o, { depth: 6, showHidden: g.bool() }), util.inspect(o, { depth: 6, customInspect: false })];
    for (const t of s) {
      check(t.length < 3000, `serialised object of ${t.length} chars: ${t.slice(0, 120)}`);
      for (const n of needles) check(!t.includes(n), `serialised object contains ${n}: ${t.slice(0, 200)}`);
    }
  }
  enc.final();
  key.dispose();
}

/** A random view that is a BufferSource (not SharedArrayBuffer-backed: WebCrypto refuses those). */
function sourceView(g: Gen, bytes: Uint8Array): Uint8Array {
  const v = randomView(g, bytes, false).view as Uint8Array;
  return Object.prototype.toString.call((v as { buffer?: unknown }).buffer ?? new DataView(new ArrayBuffer(0)).buffer) === "[object SharedArrayBuffer]" ? bytes.slice() : v;
}

async function subtleCase(g: Gen): Promise<void> {
  const alg = g.pick(["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"]);
  const keyBytes = g.bytes(g.pick([16, 24, 32]));
  const usages = alg === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["encrypt", "decrypt"];
  const key = await subtle.importKey("raw", sourceView(g, keyBytes), g.bool() ? alg : alg.toLowerCase(), true, usages as never);
  const polluted = g.bool(0.2);
  const params: Record<string, unknown> = { name: alg };
  const data = g.bytes(g.pick([0, 1, 16, 33, g.int(5000)]));
  let exp: Uint8Array | null = null;
  if (alg === "AES-CTR") {
    const counter = g.bytes(16);
    const length = g.pick([128, 64, 32, 8, 4, 1]);
    Object.assign(params, { counter, length });
    exp = Math.ceil(data.length / 16) > 2 ** length ? null : xor(data, ctrKeystream(keyBytes, counter, length, data.length));
  } else if (alg === "AES-CBC") {
    const iv = g.bytes(16);
    params.iv = iv;
    exp = expected("cbc", keyBytes, iv, data, true, "pkcs7");
  } else if (alg === "AES-GCM") {
    const iv = g.bytes(g.pick([12, 12, 1, 16]));
    const aad = g.bool() ? g.bytes(g.int(40)) : undefined;
    const tagBits = g.pick([undefined, 128, 96, 64, 32, 120]);
    Object.assign(params, { iv }, aad ? { additionalData: aad } : {}, tagBits ? { tagLength: tagBits } : {});
    exp = gcmSeal(keyBytes, iv, data, aad, (tagBits ?? 128) / 8);
  }
  const what = `subtle ${alg} ${data.length} B ${JSON.stringify(Object.keys(params))}${polluted ? " polluted" : ""}`;
  const call = async <T>(fn: () => Promise<T>): Promise<T | Error> => {
    try {
      return await (polluted ? withPollution(POLLUTION, fn) : fn());
    } catch (e) {
      check(e instanceof SubtleError, `${what}: untyped rejection ${String(e)}`);
      return e as Error;
    }
  };
  if (alg === "AES-KW") {
    const inner = await subtle.importKey("raw", g.bytes(g.pick([16, 24, 32])), "AES-CTR", true, ["encrypt"]);
    const raw = new Uint8Array(await subtle.exportKey("raw", inner));
    const wrapped = await call(() => subtle.wrapKey("raw", inner, key, "AES-KW"));
    check(!(wrapped instanceof Error), `${what}: wrapKey ${String(wrapped)}`);
    sameBytes(new Uint8Array(wrapped as ArrayBuffer), keyWrap(keyBytes, raw, false), `${what}: wrapKey vs OpenSSL`);
    const back = await call(() => subtle.unwrapKey("raw", wrapped as ArrayBuffer, key, "AES-KW", "AES-CTR", true, ["encrypt"]));
    check(!(back instanceof Error), `${what}: unwrapKey ${String(back)}`);
    sameBytes(new Uint8Array(await subtle.exportKey("raw", back as never)), raw, `${what}: unwrapped key`);
    return;
  }
  const ct = await call(() => subtle.encrypt(params as never, key, sourceView(g, data)));
  if (exp === null) {
    check(ct instanceof Error && ct.name === "OperationError", `${what}: expected OperationError, got ${String(ct)}`);
    return;
  }
  check(!(ct instanceof Error), `${what}: ${String(ct)}`);
  sameBytes(new Uint8Array(ct as ArrayBuffer), exp, `${what}: encrypt`);
  const tamper = g.bool(0.2) && exp.length > 0 && alg !== "AES-CTR";
  const input = new Uint8Array(ct as ArrayBuffer);
  if (tamper) input[input.length - 1] ^= 1;
  const pt = await call(() => subtle.decrypt(params as never, key, input));
  if (tamper) {
    // a flipped last byte: GCM's tag fails; CBC's pad fails or (rarely) still parses
    if (alg === "AES-GCM") check(pt instanceof Error && pt.name === "OperationError", `${what}: tampered decrypt gave ${String(pt)}`);
  } else {
    check(!(pt instanceof Error), `${what}: decrypt ${String(pt)}`);
    sameBytes(new Uint8Array(pt as ArrayBuffer), data, `${what}: decrypt`);
  }
  assertNoSecretInMemory(probesOf(data), what);
}

async function adapterCase(g: Gen): Promise<void> {
  const core = activeCore();
  const before = core.stats().slotsInUse;
  const keyBytes = g.bytes(16);
  const iv = g.bytes(16);
  const key = aesKey(keyBytes);
  const data = g.bytes(g.int(200_000));
  const m = g.pick(["ctr", "cbc", "cfb"] as const);
  const exp = expected(m as OracleMode, keyBytes, iv, data, true, "pkcs7")!;
  const chunks: Uint8Array[] = [];
  let off = 0;
  for (const n of g.splits(data.length)) { chunks.push(data.subarray(off, off + n)); off += n; }
  const abortAfter = g.bool(0.3) ? g.int(chunks.length + 1) : -1;
  const mode = m === "ctr" ? key.ctr(iv) : m === "cbc" ? key.cbc(iv) : key.cfb(iv);
  const out: Uint8Array[] = [];
  let aborted = false;
  try {
    if (g.bool()) {
      const ts = toTransformStream(mode.encryptor());
      const writer = ts.writable.getWriter();
      const reader = ts.readable.getReader();
      const reading = (async () => { for (;;) { const r = await reader.read(); if (r.done) return; out.push(r.value); } })().catch(() => { aborted = true; });
      for (let i = 0; i < chunks.length; i++) {
        if (i === abortAfter) { await writer.abort(new Error("stop")); aborted = true; break; }
        await writer.write(chunks[i]!);
      }
      if (!aborted) await writer.close();
      await reading;
    } else {
      const t = toNodeTransform(mode.encryptor());
      const sink = new PassThrough();
      sink.on("data", (b: Buffer) => out.push(new Uint8Array(b)));
      const src = Readable.from((function* () {
        for (let i = 0; i < chunks.length; i++) {
          if (i === abortAfter) throw new Error("stop");
          yield Buffer.from(chunks[i]!);
        }
      })());
      try {
        await pipeline(src, t, sink);
      } catch (e) {
        check((e as Error).message === "stop", `adapter: ${String(e)}`);
        aborted = true;
      }
    }
    if (!aborted) sameBytes(Buffer.concat(out), exp, `${m} adapter`);
    // finished or aborted: the stream's state slot is back with the key either way
    check(core.stats().slotsInUse === before + 1, `${m} adapter ${aborted ? "aborted" : "done"}: ${core.stats().slotsInUse - before - 1} state slots still held`);
    assertNoSecretInMemory(probesOf(data), `${m} adapter`);
  } finally {
    key.dispose();
  }
}

describe("fuzz: public API", () => {
  it("createCipheriv/createDecipheriv: every cipher name, random splits and views, node's bytes", () => {
    expect(fuzz("facade", facadeCase, 1500, 21)).toBeGreaterThan(0);
  });
  it("single blocks, keystreamBlock, seek", () => {
    expect(fuzz("blocks", blocksCase, 800, 22)).toBeGreaterThan(0);
  });
  it("hex helpers", () => {
    expect(fuzz("hex", hexCase, 300, 23)).toBeGreaterThan(0);
  });
  it("hostile arguments to every entry point: a typed error, and the process keeps working", () => {
    expect(fuzz("hostile", hostileCase, 800, 24)).toBeGreaterThan(0);
  });
  it("serialising objects after random use: no key or plaintext byte", () => {
    expect(fuzz("serialise", serialiseCase, 400, 25)).toBeGreaterThan(0);
  });
  it("subtle: node's bytes, OperationError/TypeError names, polluted prototypes ignored", async () => {
    expect(await fuzzAsync("subtle", subtleCase, 1200, 26)).toBeGreaterThan(0);
  });
  it("stream adapters with random chunking and aborts: state released, no secret left", async () => {
    expect(await fuzzAsync("adapters", adapterCase, 1200, 27)).toBeGreaterThan(0);
  });
  it("errors are AesErrors with literal names", () => {
    for (const e of [new DecryptionError(), new StateError("x"), new InputTypeError("x")]) {
      expect(e).toBeInstanceOf(AesError);
      expect(e.name).toBe(e.constructor.name);
    }
  });
});
