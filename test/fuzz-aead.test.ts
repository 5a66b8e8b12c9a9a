// Property-based fuzzing of GCM (one-shot, streaming encryptor, unverified decryptor,
// createCipheriv/createDecipheriv 'aes-*-gcm') and AES-KW/KWP, against node:crypto computed in
// the test. Random keys, IVs of any length, AAD, tag lengths, views, outputs (overlapping ones
// included), option objects, tampering, splits; every call gives node's bytes or a typed
// AesError, a rejected tag releases nothing (a caller's output is left as it was), and no
// plaintext or keystream stays in WASM memory. See test/helpers/fuzz.ts for FUZZ_SEED.
import nodeCrypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { aesKey, createCipheriv, createDecipheriv } from "../src/index.js";
import { DataLengthError, DecryptionError, DisposedError, IvReuseError, StateError } from "../src/errors.js";
import { activeCore } from "../src/wasm/backend.js";
import { TagLengthError } from "../src/aead-errors.js";
import { describeEachBackend } from "./helpers/backends.js";
import {
  assertNoSecretInMemory, check, fuzz, isError, logSeed, outcome, POLLUTION, probesOf, randomIo, randomOptions, randomView,
  sameBytes, withPollution, xor, type Gen,
} from "./helpers/fuzz.js";
import { gcmSeal, keyWrap } from "./helpers/fuzz-oracle.js";

logSeed("test/fuzz-aead.test.ts");

const TAGS = [16, 15, 14, 13, 12, 8, 4];

function gcmCase(g: Gen, fast: boolean) {
  const keyBytes = g.bytes(g.pick([16, 24, 32]));
  const iv = g.bytes(g.bool(0.7) ? 12 : g.pick([1, 8, 16, 60]));
  const aad = g.bool(0.5) ? g.bytes(g.pick([0, 1, 16, 17, 100, g.int(70_000)])) : undefined;
  const tagLength = g.bool(0.4) ? g.pick(TAGS) : undefined;
  const allowShortTags = g.bool(0.5) ? g.bool() : undefined;
  const own: Record<string, unknown> = {};
  if (aad !== undefined) own.aad = aad;
  if (tagLength !== undefined) own.tagLength = tagLength;
  if (allowShortTags !== undefined) own.allowShortTags = allowShortTags;
  const { options, effective } = randomOptions(g, own);
  const effTag = (effective.tagLength as number | undefined) ?? 16;
  const effShort = effective.allowShortTags === true;
  const tagOk = [16, 15, 14, 13, 12].includes(effTag) || ((effTag === 8 || effTag === 4) && effShort);
  const effAad = effective.aad as Uint8Array | undefined;
  const data = g.bytes(fast ? Math.min(g.length(), 3000) : g.length());
  return { keyBytes, iv, options, effTag, tagOk, effAad, data, polluted: g.bool(0.15) };
}

function gcmOneShot(g: Gen, fast: boolean): void {
  const c = gcmCase(g, fast);
  const sealed = gcmSeal(c.keyBytes, c.iv, c.data, c.effAad, c.tagOk ? c.effTag : 16);
  const run = () => {
    const key = aesKey(randomView(g, c.keyBytes).view as Uint8Array);
    try {
      const mode = outcome(() => key.gcm(randomView(g, c.iv).view as Uint8Array, c.options as never));
      const what = `gcm iv ${c.iv.length} aad ${c.effAad?.length} tag ${c.effTag} data ${c.data.length}`;
      if (isError(mode)) {
        check(!c.tagOk && mode instanceof TagLengthError, `${what}: ${mode.name} ${mode.message}`);
        return;
      }
      check(c.tagOk, `${what}: a bad tag length was accepted`);
      if (g.bool()) {
        const io = randomIo(g, c.data, sealed.length);
        const r = outcome(() => mode.encrypt(io.input.view as Uint8Array, io.output));
        if (isError(r)) {
          check(io.kind === "short" && r instanceof DataLengthError, `${what} encrypt ${io.kind}: ${r.name} ${r.message}`);
          if (io.before) sameBytes(io.output!, io.before, `${what}: output after a refused encrypt`);
        } else {
          sameBytes(r, sealed, `${what} encrypt ${io.kind}/${io.input.kind}`);
          check(outcome(() => mode.encrypt(c.data)) instanceof IvReuseError, `${what}: second encrypt`);
        }
        assertNoSecretInMemory(probesOf(c.data, xor(c.data, sealed)), `${what} encrypt`);
      } else {
        // decrypt: genuine, or tampered in the body, the tag or the length
        let input = sealed;
        const tamper = g.bool(0.4) ? g.pick(["body", "tag", "truncate"]) : null;
        if (tamper === "body" && c.data.length > 0) { input = sealed.slice(); input[g.int(c.data.length)] ^= 1 << g.int(8); }
        else if (tamper === "tag") { input = sealed.slice(); input[input.length - 1 - g.int(c.effTag)] ^= 0x80; }
        else if (tamper === "truncate") input = sealed.subarray(0, g.int(sealed.length));
        const bad = input !== sealed;
        const io = randomIo(g, input, Math.max(0, input.length - c.effTag));
        const r = outcome(() => mode.decrypt(io.input.view as Uint8Array, io.output));
        if (isError(r)) {
          check(bad ? r instanceof DecryptionError || (io.kind === "short" && r instanceof DataLengthError) : io.kind === "short" && r instanceof DataLengthError,
            `${what} decrypt (${tamper}, ${io.kind}): ${r.name} ${r.message}`);
          if (io.before) sameBytes(io.output!, io.before, `${what}: output after ${r.name}`);
          else if (io.output) sameBytes(new Uint8Array((io.input.view as Uint8Array).buffer, (io.input.view as Uint8Array).byteOffset, input.length), input, `${what}: input after ${r.name}`);
        } else {
          check(!bad, `${what}: tampered (${tamper}) input accepted`);
          sameBytes(r, c.data, `${what} decrypt ${io.kind}/${io.input.kind}`);
        }
        assertNoSecretInMemory(probesOf(c.data, xor(c.data, sealed)), `${what} decrypt`);
      }
    } finally {
      key.dispose();
    }
  };
  if (c.polluted) withPollution(POLLUTION, run);
  else run();
}

function gcmStreaming(g: Gen, fast: boolean): void {
  const c = gcmCase(g, fast);
  if (!c.tagOk) return;
  const sealed = gcmSeal(c.keyBytes, c.iv, c.data, c.effAad, c.effTag);
  const body = sealed.subarray(0, c.data.length);
  const tag = sealed.subarray(c.data.length);
  const key = aesKey(c.keyBytes);
  try {
    const encrypt = g.bool();
    const facade = g.bool(0.4);
    const name = `aes-${c.keyBytes.length * 8}-gcm` as const;
    const what = `gcm stream ${encrypt ? "enc" : "dec"}${facade ? " facade" : ""} aad ${c.effAad?.length} tag ${c.effTag} data ${c.data.length}`;
    const input = encrypt ? c.data : body;
    const expectedOut = encrypt ? body : c.data;
    const badTag = !encrypt && g.bool(0.3);
    const s = facade
      ? encrypt
        ? createCipheriv(name as string, c.keyBytes, c.iv, { authTagLength: c.effTag, allowShortTags: true })
        : createDecipheriv(name as string, c.keyBytes, c.iv, { authTagLength: c.effTag, allowShortTags: true })
      : encrypt ? key.gcm(c.iv, { tagLength: c.effTag, allowShortTags: true }).encryptor() : key.gcm(c.iv, { tagLength: c.effTag, allowShortTags: true }).unverifiedDecryptor();
    // AAD in random pieces, before any data
    const aad = c.effAad ?? new Uint8Array(0);
    let a = 0;
    for (const n of g.splits(aad.length)) { (s as { setAAD(x: Uint8Array): unknown }).setAAD(randomView(g, aad.subarray(a, a + n)).view as Uint8Array); a += n; }
    if (!encrypt) {
      const t = badTag ? xor(tag, new Uint8Array(tag.length).fill(1)) : tag;
      (s as { setAuthTag(x: Uint8Array): unknown }).setAuthTag(t);
    }
    const parts: Uint8Array[] = [];
    let off = 0;
    const disposeAt = !facade && g.bool(0.1) ? g.int(4) : -1;
    let step = 0;
    for (const n of g.splits(input.length)) {
      if (step++ === disposeAt) {
        const core = activeCore();
        const slots = core.stats().slotsInUse;
        key.dispose(); // the stream's GCM and state slots: wiped and freed with the key or by the engine's own tracking
        check(outcome(() => s.update(new Uint8Array(1))) instanceof DisposedError, `${what}: update after dispose`);
        check(outcome(() => s.final()) instanceof DisposedError || true, `${what}: final after dispose`);
        check(core.stats().slotsInUse <= slots - 1, `${what}: dispose released ${slots - core.stats().slotsInUse} slots`);
        assertNoSecretInMemory(probesOf(c.data, xor(c.data, body)), `${what} after dispose`);
        return;
      }
      const piece = input.subarray(off, off + n);
      const io = facade ? { input: randomView(g, piece), output: undefined, kind: "none", before: undefined } : randomIo(g, piece, n);
      const r = outcome(() => (s.update as (d: Uint8Array, o?: Uint8Array) => Uint8Array)(io.input.view as Uint8Array, io.output));
      if (isError(r)) {
        check(io.kind === "short" && r instanceof DataLengthError, `${what}: update ${io.kind}: ${r.name} ${r.message}`);
        parts.push(s.update(piece).slice()); // refused before any state change
      } else {
        parts.push(r.slice());
      }
      off += n;
    }
    if (input.length > 0 && g.bool(0.1)) check(outcome(() => (s as { setAAD(x: Uint8Array): unknown }).setAAD(new Uint8Array(1))) instanceof StateError, `${what}: AAD after data`);
    const f = outcome(() => s.final());
    sameBytes(Buffer.concat(parts), expectedOut, what);
    if (badTag) check(f instanceof DecryptionError, `${what}: bad tag gave ${String(f)}`);
    else check(!isError(f), `${what}: final ${String(f)}`);
    if (encrypt) {
      const got = facade ? (s as { getAuthTag(): Uint8Array }).getAuthTag() : (s as { tag: Uint8Array }).tag;
      sameBytes(got, tag, `${what}: tag`);
    }
    assertNoSecretInMemory(probesOf(c.data, xor(c.data, body)), what);
  } finally {
    key.dispose();
  }
}

function keyWrapCase(g: Gen): void {
  const keyBytes = g.bytes(g.pick([16, 24, 32]));
  const pad = g.bool();
  const len = g.pick([0, 1, 7, 8, 15, 16, 24, 32, 40, 64, 65, g.int(300), 65_504 + g.int(24), 65_512, 65_513]);
  const data = g.bytes(len);
  const key = aesKey(randomView(g, keyBytes).view as Uint8Array);
  try {
    const mode = pad ? key.kwp() : key.kw();
    const what = `${pad ? "kwp" : "kw"} ${len} B`;
    const wrapped = outcome(() => mode.wrap(randomView(g, data).view as Uint8Array));
    const valid = pad ? len >= 1 && len <= 65_512 : len >= 16 && len % 8 === 0 && len <= 65_512;
    if (isError(wrapped)) {
      check(!valid && wrapped instanceof DataLengthError, `${what}: wrap ${wrapped.name} ${wrapped.message}`);
      return;
    }
    check(valid, `${what}: wrap accepted`);
    sameBytes(wrapped, keyWrap(keyBytes, data, pad), `${what} vs OpenSSL`);
    // unwrap: genuine or tampered
    const tampered = g.bool(0.3);
    const input = tampered ? wrapped.slice() : wrapped;
    if (tampered) input[g.int(input.length)] ^= 1 << g.int(8);
    const r = outcome(() => mode.unwrap(randomView(g, input).view as Uint8Array));
    if (tampered) check(r instanceof DecryptionError, `${what}: tampered unwrap gave ${String(r)}`);
    else sameBytes(r as Uint8Array, data, `${what} unwrap`);
    assertNoSecretInMemory(probesOf(data), what);
  } finally {
    key.dispose();
  }
}

describeEachBackend("fuzz: GCM and key wrap", (backend) => {
  const fast = backend === "js";
  const budget = (ms: number) => (backend === "js" ? ms / 3 : ms);
  it("GCM one-shot: node's bytes, tampering refused with the output untouched, no secret left", () => {
    expect(fuzz(`gcm one-shot [${backend}]`, (g) => gcmOneShot(g, fast), budget(1500), 11)).toBeGreaterThan(0);
  });
  it("GCM streaming (mode and createCipheriv/createDecipheriv): any split of AAD and data", () => {
    expect(fuzz(`gcm streaming [${backend}]`, (g) => gcmStreaming(g, fast), budget(1200), 12)).toBeGreaterThan(0);
  });
  it("KW/KWP: OpenSSL's bytes, everything wrap makes unwrap takes back", () => {
    expect(fuzz(`key wrap [${backend}]`, keyWrapCase, budget(600), 13)).toBeGreaterThan(0);
  });
});

describe("fuzz: GCM oracle sanity", () => {
  it("node's GCM with a 1-byte IV works (the oracle covers odd IV lengths)", () => {
    const c = nodeCrypto.createCipheriv("aes-128-gcm", new Uint8Array(16), new Uint8Array(1));
    c.final();
    expect(c.getAuthTag().length).toBe(16);
  });
});
