// The node:crypto drop-in (src/node-facade.ts, the Node entry's createCipheriv/createDecipheriv)
// against node:crypto itself, side by side: the same script runs against both and records what
// every call returns (Buffer or string, byte for byte) or throws (code and message), and the
// two records must be equal. Where Node has no code for an error, the facade's code is not
// compared (it keeps its own, e.g. ERR_CRYPTO_INVALID_STATE after final()).
// - every cipher of getCiphers() (every alias and letter case Node takes), random keys, IVs,
//   lengths and splits, both directions, tampered AEAD messages; on both backends;
// - string input and output in every encoding, StringDecoder behaviour at split characters;
// - keys and IVs in every form Node takes (TypedArray, DataView, ArrayBuffer, string, KeyObject,
//   CryptoKey);
// - a browserify-aes-style script (written here) run against both;
// - the cipher objects as stream.Transforms: pipeline, backpressure, string writes, readable
//   encodings, errors as stream errors;
// - misuse: Node's codes and messages on the library's classes, and each deliberate
//   difference listed with both sides' behaviour;
// - the browser entry: the byte-level facade, plain Uint8Array even where a Buffer exists,
//   and no node: import in its module graph.
import * as nodeCrypto from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as root from "../src/index.node.js";
import * as browserRoot from "../src/index.js";
import {
  AesError, DataLengthError, DecryptionError, InputTypeError, IvLengthError, KeyLengthError, StateError, TagLengthError,
  UnknownCipherError, WeakKeyError,
} from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { randomBytes, randomSplits, rng } from "./helpers/random.js";

// Either module's cipher functions, typed loosely: the point is that the same calls work on both.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Api = { createCipheriv: (...args: any[]) => any; createDecipheriv: (...args: any[]) => any };
const NODE: Api = nodeCrypto;
const OURS: Api = root;
const SIDES: [string, Api][] = [["ours", OURS], ["node", NODE]];

// ---- recording a script's calls ----

/** A call's result as text: Buffers (and any other byte array, named as such), strings, the rest by type. */
function shown(v: unknown): string {
  if (Buffer.isBuffer(v)) return `Buffer ${v.toString("hex")}`;
  if (v instanceof Uint8Array) return `${v.constructor.name} ${Buffer.from(v).toString("hex")}`;
  if (typeof v === "string") return `string ${JSON.stringify(v)}`;
  if (v === undefined) return "undefined";
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Log = (label: string, call: () => unknown) => any;
type Script = (api: Api, log: Log) => void;

/** Runs `script` against `api`: each logged call's result or error, in order. */
function record(api: Api, script: Script): string[] {
  const out: string[] = [];
  script(api, (label, call) => {
    try {
      const r = call();
      out.push(`${label}: ${shown(r)}`);
      return r;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      out.push(`${label}: throws ${err.code ?? "-"} ${err.message}`);
      if (api === OURS && !(e instanceof AesError)) out.push(`${label}: an untyped ${(e as Error)?.name}`);
      return undefined;
    }
  });
  return out;
}

/** Both records of `script`, the facade's code dropped wherever Node throws without one. */
function bothRecords(script: Script): { ours: string[]; node: string[] } {
  const node = record(NODE, script);
  const ours = record(OURS, script).map((line, i) => {
    const theirs = node[i];
    const t = theirs !== undefined ? /^(.*): throws - (.*)$/s.exec(theirs) : null;
    const o = /^(.*): throws \S+ (.*)$/s.exec(line);
    return t && o && t[1] === o[1] ? `${o[1]}: throws - ${o[2]}` : line;
  });
  return { ours, node };
}

function expectSame(script: Script): string[] {
  const { ours, node } = bothRecords(script);
  // the lines that differ, with their neighbours, rather than two long arrays
  const differing = ours.flatMap((line, i) => (line === node[i] ? [] : [`#${i} ours: ${line}\n#${i} node: ${node[i]}`]));
  expect(differing.slice(0, 8).join("\n")).toBe("");
  expect(ours.length).toBe(node.length);
  return ours;
}

// ---- scenarios: one random message per cipher name ----

const ENCODINGS = ["hex", "base64", "base64url", "latin1", "binary", "ascii", "utf8", "utf-8", "utf16le", "ucs2", "ucs-2", "UTF8", "HEX", "Base64"] as const;
const pick = <T>(next: () => number, xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

type Family = "block" | "stream" | "gcm" | "ccm" | "ocb" | "xts" | "wrap";

function familyOf(name: string): { family: Family; keyBytes: number; pad?: boolean } {
  const n = name.toLowerCase();
  const bits = Number(/(128|192|256)/.exec(n)![1]);
  if (/gcm$/.test(n)) return { family: "gcm", keyBytes: bits / 8 };
  if (/ccm$/.test(n)) return { family: "ccm", keyBytes: bits / 8 };
  if (/ocb$/.test(n)) return { family: "ocb", keyBytes: bits / 8 };
  if (/xts$/.test(n)) return { family: "xts", keyBytes: bits / 4 };
  if (/wrap/.test(n)) return { family: "wrap", keyBytes: bits / 8, pad: /pad$/.test(n) };
  if (/^aes(128|192|256)$/.test(n) || /-(ecb|cbc)$/.test(n)) return { family: "block", keyBytes: bits / 8 };
  return { family: "stream", keyBytes: bits / 8 };
}

/** Pieces of `data` as update() would get them. */
function pieces(next: () => number, data: Uint8Array, max = 40): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  for (const n of randomSplits(next, data.length, max)) {
    out.push(buf(data.subarray(off, off + n)));
    off += n;
  }
  return out.length === 0 ? [buf(data)] : out;
}

/** A random message for `name` and the scripts that encrypt it and decrypt (or tamper with) the result. */
function scenario(next: () => number, name: string): { encrypt: Script; decrypt: (ct: Buffer[], tag: Buffer | undefined, tamper: boolean) => Script } {
  const { family, keyBytes, pad } = familyOf(name);
  let key = buf(randomBytes(next, keyBytes));
  if (family === "xts" && key.subarray(0, keyBytes / 2).equals(key.subarray(keyBytes / 2))) key[0] ^= 1;
  const lower = name.toLowerCase();
  const ivLength = family === "gcm" ? pick(next, [12, 12, 12, 1, 8, 16, 60]) : family === "ccm" ? 7 + Math.floor(next() * 7)
    : family === "ocb" ? 1 + Math.floor(next() * 15) : family === "wrap" ? (pad ? 4 : 8) : /ecb$/.test(lower) ? 0 : 16;
  const standardWrapIv = family === "wrap" && next() < 0.5;
  const iv = family === "wrap" && standardWrapIv ? Buffer.from(pad ? "A65959A6" : "A6A6A6A6A6A6A6A6", "hex")
    : ivLength === 0 ? null : buf(randomBytes(next, ivLength));
  const tagLength = family === "ccm" ? pick(next, [4, 6, 8, 10, 12, 14, 16]) : family === "ocb" ? 8 + Math.floor(next() * 9)
    : family === "gcm" ? pick(next, [undefined, 12, 13, 14, 15, 16]) : undefined;
  const options = tagLength === undefined ? undefined : { authTagLength: tagLength };
  const length = family === "wrap" ? (pad ? 1 + Math.floor(next() * 70) : 8 * (2 + Math.floor(next() * 8)))
    : family === "xts" ? 16 + Math.floor(next() * 80) : family === "ccm" ? 1 + Math.floor(next() * 90)
      : next() < 0.05 ? 4097 : Math.floor(next() * 100);
  const noPadding = family === "block" && next() < 0.3;
  const data = randomBytes(next, noPadding ? length - (length % 16) : length);
  const aad = family === "gcm" || family === "ocb" || family === "ccm" ? pieces(next, randomBytes(next, Math.floor(next() * 40)), 20) : [];
  // XTS: each update() is a data unit of its own; CCM and key wrap: one update() with everything
  const chunks = family === "xts" ? [buf(data)] : family === "ccm" || family === "wrap" ? [buf(data)] : pieces(next, data);
  const aadBetween = family === "ocb" && next() < 0.5; // OCB takes AAD between update() calls

  const encrypt: Script = (api, log) => {
    const c = log("createCipheriv", () => api.createCipheriv(name, key, iv, options));
    if (noPadding) log("setAutoPadding(false)", () => c.setAutoPadding(false));
    if (family === "ccm") log("setAAD", () => c.setAAD(Buffer.concat(aad), { plaintextLength: data.length }));
    else if (!aadBetween) for (const a of aad) log("setAAD", () => c.setAAD(a));
    chunks.forEach((chunk, i) => {
      log(`update ${chunk.length}`, () => c.update(chunk));
      if (aadBetween && aad[i]) log("setAAD", () => c.setAAD(aad[i]));
    });
    log("final", () => c.final());
    if (family === "gcm" || family === "ocb" || family === "ccm") log("getAuthTag", () => c.getAuthTag());
  };
  const decrypt = (ct: Buffer[], tag: Buffer | undefined, tamper: boolean): Script => {
    // every random choice made here, so that both sides run the same script
    const bytes = Buffer.concat(ct);
    const t = tag === undefined ? undefined : Buffer.from(tag);
    if (tamper) {
      if (t && (bytes.length === 0 || next() < 0.5)) t[Math.floor(next() * t.length)] ^= 1 << Math.floor(next() * 8);
      else if (bytes.length > 0) bytes[Math.floor(next() * bytes.length)] ^= 1 << Math.floor(next() * 8);
    }
    const tagFirst = family === "ccm" || next() < 0.5; // GCM and OCB take the tag any time before final()
    const parts = family === "xts" || family === "ccm" || family === "wrap" ? [bytes] : pieces(next, bytes);
    return (api, log) => {
      const d = log("createDecipheriv", () => api.createDecipheriv(name, key, iv, options));
      if (noPadding) log("setAutoPadding(false)", () => d.setAutoPadding(false));
      if (t && tagFirst) log("setAuthTag", () => d.setAuthTag(t));
      if (family === "ccm") log("setAAD", () => d.setAAD(Buffer.concat(aad), { plaintextLength: bytes.length }));
      else for (const a of aad) log("setAAD", () => d.setAAD(a));
      for (const p of parts) log(`update ${p.length}`, () => d.update(p));
      if (t && !tagFirst) log("setAuthTag", () => d.setAuthTag(t));
      log("final", () => d.final());
    };
  };
  return { encrypt, decrypt };
}

/** Node's result of an encryption script: the ciphertext pieces and the tag. */
function nodeOutput(script: Script): { ct: Buffer[]; tag: Buffer | undefined } {
  const ct: Buffer[] = [];
  let tag: Buffer | undefined;
  script(NODE, (label, call) => {
    const r = call();
    if (label === "getAuthTag") tag = r as Buffer;
    else if (Buffer.isBuffer(r) && label !== "createCipheriv") ct.push(r);
    return r;
  });
  return { ct, tag };
}

/** Node's cipher names for the families implemented here (getCiphers() lists more). */
const NODE_NAMES = nodeCrypto.getCiphers().filter((n) => /^(aes|id-aes)/.test(n) && !/hmac/.test(n));
/** Every name in another letter case too, as Node (OpenSSL) takes them. */
const ALL_NAMES = NODE_NAMES.flatMap((n) => [n, n.toUpperCase()]);

describe("getCiphers()", () => {
  it("lists exactly Node's names for the families implemented, in Node's order", () => {
    expect(root.getCiphers()).toEqual(NODE_NAMES);
    expect(browserRoot.getCiphers()).toEqual(NODE_NAMES);
    expect(NODE_NAMES.length).toBe(50);
    const list = root.getCiphers();
    list.push("x"); // a copy each time
    expect(root.getCiphers()).toEqual(NODE_NAMES);
  });
});

describeEachBackend("node:crypto drop-in: every cipher, every method, side by side with node", () => {
  it.each(ALL_NAMES)("%s: random messages, splits, AAD and tags; encrypt, decrypt, tampered (seeded)", (name) => {
    const next = rng([...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7));
    for (let round = 0; round < 6; round++) {
      const s = scenario(next, name);
      const enc = expectSame(s.encrypt);
      expect(enc.some((l) => l.includes("throws"))).toBe(false);
      const { ct, tag } = nodeOutput(s.encrypt);
      expectSame(s.decrypt(ct, tag, false));
      const { family } = familyOf(name);
      if (family === "gcm" || family === "ccm" || family === "ocb" || family === "wrap") {
        const tampered = expectSame(s.decrypt(ct, tag, true));
        expect(tampered.at(-1)!.includes("throws") || tampered.some((l) => l.startsWith("update") && l.includes("throws"))).toBe(true);
      }
    }
  });
});

describeEachBackend("node:crypto drop-in: strings in and out in every encoding", () => {
  it("update(string, inputEncoding, outputEncoding) and final(outputEncoding), every pair, random splits (seed 11)", () => {
    const next = rng(11);
    const text = "grüße, 世界! \u{1F600} plain ascii too ";
    for (const name of ["aes-128-ctr", "aes-192-cbc", "aes-256-cfb8", "aes-128-gcm", "aes-256-ocb", "aes-128-ofb"]) {
      const { family } = familyOf(name);
      for (const inEnc of [undefined, ...ENCODINGS]) {
        for (const outEnc of ["buffer", undefined, ...ENCODINGS]) {
          const key = buf(randomBytes(next, familyOf(name).keyBytes));
          const iv = buf(randomBytes(next, family === "gcm" || family === "ocb" ? 12 : 16));
          const options = family === "ocb" ? { authTagLength: 16 } : undefined;
          const raw = Buffer.from(text + text.slice(0, Math.floor(next() * text.length)));
          // a string that is valid in the input encoding (hex and base64 of random bytes; text otherwise)
          const lowerIn = inEnc?.toLowerCase();
          const input = lowerIn === "hex" ? raw.toString("hex") : lowerIn?.startsWith("base64") ? raw.toString(lowerIn as "base64")
            : raw.toString("utf8");
          const cut = (s: string) => {
            const at = [Math.floor(next() * s.length), Math.floor(next() * s.length)].sort((a, b) => a - b);
            const even = (n: number) => (lowerIn === "hex" ? n - (n % 2) : n);
            return [s.slice(0, even(at[0]!)), s.slice(even(at[0]!), even(at[1]!)), s.slice(even(at[1]!))];
          };
          const parts = cut(input);
          expectSame((api, log) => {
            const c = log("createCipheriv", () => api.createCipheriv(name, key, iv, options));
            for (const p of parts) log(`update(${p.length} chars, ${inEnc}, ${outEnc})`, () => c.update(p, inEnc, outEnc));
            log(`final(${outEnc})`, () => c.final(outEnc));
          });
        }
      }
    }
  });

  it("decrypting to text: a multi-byte character or a base64 group split between calls comes out whole, as in node", () => {
    const key = Buffer.alloc(16, 3), iv = Buffer.alloc(16, 4);
    const text = "€€€ 𝄞𝄞 ab";
    const ct = nodeCrypto.createCipheriv("aes-128-ctr", key, iv).update(text, "utf8");
    for (const outEnc of ["utf8", "utf16le", "base64", "base64url", "hex", "latin1"]) {
      for (let cut = 0; cut <= ct.length; cut++) {
        expectSame((api, log) => {
          const d = api.createDecipheriv("aes-128-ctr", key, iv);
          log("update 1", () => d.update(ct.subarray(0, cut), undefined, outEnc));
          log("update 2", () => d.update(ct.subarray(cut), undefined, outEnc));
          log("final", () => d.final(outEnc));
        });
      }
    }
  });

  it("encoding rules: odd hex, unknown and changed encodings, 'buffer', Buffers with an input encoding", () => {
    const key = Buffer.alloc(16, 5), iv = Buffer.alloc(16, 6);
    expectSame((api, log) => {
      const c = api.createCipheriv("aes-128-ctr", key, iv);
      log("odd hex", () => c.update("abc", "hex"));
      log("odd HEX", () => c.update("abc", "HEX", "hex"));
      log("bad hex digits", () => c.update("zz11", "hex"));
      log("unknown input encoding reads UTF-8", () => c.update("zz", "bogus" as never));
      log("input encoding 'buffer' reads UTF-8", () => c.update("\u00ffab", "buffer" as never, "hex"));
      log("a Buffer ignores the input encoding", () => c.update(Buffer.from("ab"), "hex", "hex"));
      log("output 'buffer'", () => c.update("ab", "utf8", "buffer"));
      log("output null", () => c.update("ab", "utf8", null));
      log("empty string", () => c.update("", "utf8", "hex"));
      log("final('buffer')", () => c.final("buffer"));
    });
    expectSame((api, log) => {
      const c = api.createCipheriv("aes-128-ctr", key, iv);
      log("then hex", () => c.update("ab", "utf8", "hex"));
      log("then another unknown one", () => c.update("ab", "utf8", "bogus"));
      log("final(bogus)", () => c.final("bogus"));
    });
  });
});

describeEachBackend("node:crypto drop-in: keys and IVs in every form node takes", () => {
  it("TypedArray, DataView, ArrayBuffer, SharedArrayBuffer, strings (options.encoding), KeyObject, CryptoKey", async () => {
    const k = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    const iv = Buffer.from("f0e1d2c3b4a5968778695a4b3c2d1e0f", "hex");
    const sab = new SharedArrayBuffer(16);
    new Uint8Array(sab).set(k);
    const cryptoKey = await nodeCrypto.webcrypto.subtle.importKey("raw", k, "AES-CBC", false, ["encrypt"]);
    const keys: [string, unknown, object?][] = [
      ["Buffer", k], ["Uint8Array", new Uint8Array(k)], ["Uint16Array", new Uint16Array(new Uint8Array(k).buffer)],
      ["DataView", new DataView(new Uint8Array(k).buffer)], ["ArrayBuffer", new Uint8Array(k).buffer],
      ["SharedArrayBuffer", sab], ["a view into a larger buffer", Buffer.concat([Buffer.alloc(3), k]).subarray(3)],
      ["utf8 string", "0123456789abcdef"], ["hex string", k.toString("hex"), { encoding: "hex" }],
      ["base64 string", k.toString("base64"), { encoding: "base64" }], ["'buffer' encoding string", "0123456789abcdef", { encoding: "buffer" }],
      ["KeyObject", nodeCrypto.createSecretKey(k)], ["CryptoKey (not extractable)", cryptoKey],
    ];
    for (const [what, key, options] of keys) {
      for (const [ivWhat, ivValue] of [["Buffer", iv], ["ArrayBuffer", new Uint8Array(iv).buffer], ["utf8 string", "fedcba9876543210"],
        ["DataView", new DataView(new Uint8Array(iv).buffer)]] as const) {
        const lines = expectSame((api, log) => {
          const c = log(`${what} key, ${ivWhat} iv`, () => api.createCipheriv("aes-128-cbc", key, ivValue, options));
          log("update", () => c.update("some plaintext, 29 bytes long"));
          log("final", () => c.final());
        });
        expect(lines.join()).not.toContain("throws");
      }
    }
  });

  it("the wrong kinds of key, IV, data, AAD and tag are Node's ERR_INVALID_ARG_TYPE (InputTypeError here)", () => {
    const { privateKey } = nodeCrypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const K = Buffer.alloc(16, 1), N = Buffer.alloc(12, 2);
    const lines = expectSame((api, log) => {
      for (const key of [5, null, undefined, {}, [1, 2], true, () => 1, Symbol("k"), 10n, privateKey]) {
        log(`key ${typeof key}`, () => api.createCipheriv("aes-128-cbc", key, Buffer.alloc(16)));
      }
      for (const iv of [5, undefined, {}, [1], "x".repeat(40)]) log(`iv ${typeof iv}`, () => api.createCipheriv("aes-128-cbc", K, iv));
      for (const name of [5, null, undefined, {}]) log(`name ${typeof name}`, () => api.createCipheriv(name, K, Buffer.alloc(16)));
      log("options.encoding a number", () => api.createCipheriv("aes-128-cbc", "k".repeat(16), Buffer.alloc(16), { encoding: 5 }));
      log("options.encoding unknown", () => api.createCipheriv("aes-128-cbc", "k".repeat(16), Buffer.alloc(16), { encoding: "bogus" }));
      const c = api.createCipheriv("aes-128-gcm", K, N);
      for (const data of [5, null, undefined, {}, new ArrayBuffer(4), [1, 2]]) log(`update ${typeof data}`, () => c.update(data));
      for (const aad of [5, null, {}]) log(`setAAD ${typeof aad}`, () => c.setAAD(aad));
      log("setAAD ArrayBuffer", () => c.setAAD(new ArrayBuffer(3)));
      log("setAAD string", () => c.setAAD("some aad"));
      const d = api.createDecipheriv("aes-128-gcm", K, N);
      for (const tag of [5, null, {}]) log(`setAuthTag ${typeof tag}`, () => d.setAuthTag(tag));
      log("setAuthTag hex string", () => d.setAuthTag("00".repeat(16), "hex"));
      log("final", () => d.final());
    });
    expect(lines.filter((l) => l.includes("ERR_INVALID_ARG_TYPE")).length).toBeGreaterThan(20);
    expect(() => root.createCipheriv("aes-128-cbc", 5 as never, Buffer.alloc(16))).toThrow(InputTypeError);
  });
});

/**
 * A browserify-aes-style suite of our own: one script, as a user of node:crypto would write it,
 * run against node:crypto and against the facade; the two records must match line by line.
 */
function browserifyStyleScript(names: readonly string[]): Script {
  return (api, log) => {
    const text = "The quick brown fox jumps over the lazy dog. 0123456789 ~!@#$%^&*()_+ äöü";
    for (const name of names) {
      const { family, keyBytes, pad } = familyOf(name);
      if (family === "ccm" || family === "xts" || family === "wrap") continue; // their own rules: below
      const key = Buffer.alloc(keyBytes).map((_, i) => (i * 7 + name.length) & 0xff);
      const iv = family === "gcm" || family === "ocb" ? Buffer.alloc(12, 9) : /ecb$/i.test(name) ? null : Buffer.alloc(16, 8);
      const opts = family === "ocb" ? { authTagLength: 16 } : undefined;
      void pad;
      // text in, hex out, in three updates; back again to utf8
      const c = api.createCipheriv(name, key, iv, opts);
      if (family === "gcm" || family === "ocb") c.setAAD(Buffer.from("header"));
      const hex = [c.update(text.slice(0, 10), "utf8", "hex"), c.update(text.slice(10, 41), "utf8", "hex"), c.update(text.slice(41), "utf8", "hex"), c.final("hex")].join("");
      log(`${name} hex`, () => hex);
      const tag = family === "gcm" || family === "ocb" ? log(`${name} tag`, () => c.getAuthTag()) as Buffer : undefined;
      const d = api.createDecipheriv(name, key, iv, opts);
      if (tag) {
        d.setAAD(Buffer.from("header"));
        d.setAuthTag(tag);
      }
      log(`${name} back`, () => d.update(hex, "hex", "utf8") + d.final("utf8"));
      // base64 both ways, and a Buffer result's toString
      const e = api.createCipheriv(name, key, iv, opts);
      log(`${name} base64`, () => e.update(text, "utf8", "base64") + e.final("base64"));
      const f = api.createCipheriv(name, key, iv, opts);
      log(`${name} toString('hex')`, () => Buffer.concat([f.update(Buffer.from(text)), f.final()]).toString("hex"));
      // no padding: whole blocks pass, a partial block is node's error
      if (family === "block") {
        const g = api.createCipheriv(name, key, iv);
        g.setAutoPadding(false);
        log(`${name} no padding, 32 bytes`, () => Buffer.concat([g.update(Buffer.alloc(32, 1)), g.final()]));
        const h = api.createCipheriv(name, key, iv);
        h.setAutoPadding(false);
        log(`${name} no padding, 33 bytes`, () => Buffer.concat([h.update(Buffer.alloc(33, 1)), h.final()]));
        const w = api.createDecipheriv(name, Buffer.alloc(keyBytes, 0xee), iv);
        log(`${name} wrong key`, () => Buffer.concat([w.update(Buffer.from(hex, "hex")), w.final()]));
      }
      if (tag) {
        const bad = api.createDecipheriv(name, key, iv, opts);
        bad.setAAD(Buffer.from("header!"));
        bad.setAuthTag(tag);
        log(`${name} other AAD: update`, () => bad.update(hex, "hex", "utf8"));
        log(`${name} other AAD: final`, () => bad.final("utf8"));
      }
      // use after final
      log(`${name} update after final`, () => c.update("x"));
      log(`${name} final after final`, () => c.final());
    }
    // the constructions with rules of their own
    const ccm = api.createCipheriv("aes-192-ccm", Buffer.alloc(24, 1), Buffer.alloc(11, 2), { authTagLength: 10 });
    ccm.setAAD(Buffer.from("hdr"), { plaintextLength: Buffer.byteLength(text) });
    log("ccm", () => ccm.update(text, "utf8", "hex") + ccm.final("hex"));
    log("ccm tag", () => ccm.getAuthTag());
    const xts = api.createCipheriv("aes-256-xts", Buffer.alloc(64).map((_, i) => i), Buffer.alloc(16, 3));
    log("xts sector 1", () => xts.update(Buffer.alloc(512, 1), undefined, "base64"));
    log("xts sector 2 (same tweak)", () => xts.update(Buffer.alloc(512, 1), undefined, "base64"));
    log("xts final", () => xts.final("base64"));
    const wrap = api.createCipheriv("id-aes256-wrap-pad", Buffer.alloc(32, 4), Buffer.from("A65959A6", "hex"));
    log("kwp", () => wrap.update("a key of 20 bytes !!", "utf8", "hex") + wrap.final("hex"));
    const kw = api.createDecipheriv("aes128-wrap", Buffer.alloc(16, 4), Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
    log("kw unwrap of junk", () => kw.update(Buffer.alloc(24)));
  };
}

describeEachBackend("node:crypto drop-in: a browserify-aes-style script gives node's record", () => {
  it("every name of getCiphers() (and in upper case): text, hex, base64, no padding, wrong key, AAD, use after final", () => {
    const lines = expectSame(browserifyStyleScript(ALL_NAMES));
    expect(lines.length).toBeGreaterThan(500);
  });
});

// ---- streams ----

async function collect(stream: NodeJS.ReadWriteStream, chunks: (Buffer | string)[], encoding?: BufferEncoding): Promise<string> {
  const out: (Buffer | string)[] = [];
  await pipeline(Readable.from(chunks, { objectMode: false }), stream, new Writable({
    decodeStrings: false,
    write(chunk, _enc, cb) {
      out.push(chunk);
      cb();
    },
  }));
  void encoding;
  return out.map((c) => (typeof c === "string" ? `string ${c}` : `Buffer ${c.toString("hex")}`)).join(" | ");
}

async function outcome(p: Promise<string>): Promise<string> {
  try {
    return await p;
  } catch (e) {
    const err = e as { code?: string; message: string };
    return `rejects ${err.message}${err.code === undefined ? "" : ` (${err.code})`}`;
  }
}

describeEachBackend("node:crypto drop-in: the cipher objects are stream.Transforms", () => {
  it("pipeline() through every family gives node's bytes; getAuthTag after the end", async () => {
    const next = rng(21);
    const data = Buffer.from(randomBytes(next, 5000));
    const chunks = pieces(next, data, 900);
    for (const [name, keyBytes, ivBytes, options] of [["aes-128-cbc", 16, 16], ["AES256", 32, 16], ["aes-192-ctr", 24, 16], ["aes-128-cfb1", 16, 16],
      ["aes-256-gcm", 32, 12], ["aes-128-ocb", 16, 12, { authTagLength: 12 }], ["aes-128-ecb", 16, 0]] as const) {
      const key = buf(randomBytes(next, keyBytes));
      const iv = ivBytes === 0 ? null : buf(randomBytes(next, ivBytes));
      const results: string[] = [];
      for (const [, api] of SIDES) {
        const c = api.createCipheriv(name, key, iv, options);
        expect(c).toBeInstanceOf(Transform);
        const out = await collect(c, chunks);
        const tag = /gcm|ocb/.test(name) ? c.getAuthTag().toString("hex") : "";
        results.push(`${out} tag ${tag}`);
      }
      expect(results[0]).toBe(results[1]);
    }
  });

  it("decryption errors are stream errors, with node's messages and codes; a key-wrap stream too", async () => {
    const key = Buffer.alloc(16, 1), iv = Buffer.alloc(16, 2), n = Buffer.alloc(12, 3);
    const cases: [string, (api: Api) => Transform, (Buffer | string)[]][] = [
      ["CBC bad padding", (api) => api.createDecipheriv("aes-128-cbc", key, iv), [Buffer.alloc(32)]],
      ["CBC partial block", (api) => api.createDecipheriv("aes-128-cbc", key, iv), [Buffer.alloc(20)]],
      ["GCM bad tag", (api) => api.createDecipheriv("aes-128-gcm", key, n).setAuthTag(Buffer.alloc(16)), [Buffer.alloc(40)]],
      ["GCM no tag", (api) => api.createDecipheriv("aes-128-gcm", key, n), [Buffer.alloc(40)]],
      ["OCB bad tag", (api) => api.createDecipheriv("aes-128-ocb", key, n, { authTagLength: 16 }).setAuthTag(Buffer.alloc(16)), [Buffer.alloc(40)]],
      ["CCM bad tag", (api) => api.createDecipheriv("aes-128-ccm", key, n, { authTagLength: 16 }).setAuthTag(Buffer.alloc(16)), [Buffer.alloc(40)]],
      ["KW wrap", (api) => api.createCipheriv("id-aes128-wrap", key, Buffer.from("A6A6A6A6A6A6A6A6", "hex")), [Buffer.alloc(24, 7)]],
      ["CTR, strings written in hex", (api) => api.createCipheriv("aes-128-ctr", key, iv), ["00ff", "abcdef"]],
    ];
    for (const [what, make, chunks] of cases) {
      const [ours, node] = [await outcome(collect(make(OURS), chunks)), await outcome(collect(make(NODE), chunks))];
      // where Node's error has no code, the facade's own is not compared
      expect(/\)$/.test(node) ? ours : ours.replace(/ \(\w+\)$/, ""), what).toBe(node);
    }
    // the facade's errors are its own typed classes
    const e = await collect(root.createDecipheriv("aes-128-gcm", key, n).setAuthTag(Buffer.alloc(16)), [Buffer.alloc(4)]).catch((x) => x);
    expect(e).toBeInstanceOf(DecryptionError);
    expect(e.message).toBe("Unsupported state or unable to authenticate data");
  });

  it("written strings with an encoding, setEncoding() on the readable side, options.encoding: as in node", async () => {
    const key = Buffer.alloc(16, 1), iv = Buffer.alloc(16, 2);
    const results: string[][] = [];
    for (const [, api] of SIDES) {
      const r: string[] = [];
      const a = api.createCipheriv("aes-128-ctr", key, iv);
      const got: string[] = [];
      a.on("data", (d: Buffer) => got.push(d.toString("hex")));
      a.write("68656c6c6f", "hex");
      a.write("d29ybGQ=", "base64");
      a.write("plain");
      a.end("!");
      await new Promise((res) => a.on("end", res));
      r.push(got.join(","));
      const b = api.createCipheriv("aes-128-cbc", key, iv);
      b.setEncoding("base64");
      r.push(await collect(b, [Buffer.alloc(40, 1)]));
      const c = api.createCipheriv("aes-128-cbc", key.toString("hex"), iv, { encoding: "hex" });
      r.push(await collect(c, [Buffer.alloc(5)]));
      results.push(r);
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]![2]).toMatch(/^string [0-9a-f]{32}$/); // the key encoding reaches the stream, in Node too
  });

  it("backpressure: write() returns false past highWaterMark, 'drain' follows, as in node; a slow pipeline completes", async () => {
    const key = Buffer.alloc(32, 1), iv = Buffer.alloc(16, 2);
    const results: string[] = [];
    for (const [, api] of SIDES) {
      const c = api.createCipheriv("aes-256-ctr", key, iv, { highWaterMark: 1024 });
      const returns = [];
      for (let i = 0; i < 6; i++) returns.push(c.write(Buffer.alloc(400, i)));
      const drained = new Promise<string>((res) => c.once("drain", () => res("drain")));
      const read: Buffer[] = [];
      c.on("data", (d: Buffer) => read.push(d));
      results.push(`${returns.join()} ${await drained} ${Buffer.concat(read).length}`);
      c.destroy();
    }
    expect(results[0]).toBe(results[1]);
    expect(results[0]).toMatch(/false/);

    // 2 MiB through a consumer that takes each chunk a tick later
    const next = rng(22);
    const data = Buffer.from(randomBytes(next, 1 << 21));
    const hashes: string[] = [];
    for (const [, api] of SIDES) {
      const hash = nodeCrypto.createHash("sha256");
      let most = 0;
      const c = api.createCipheriv("aes-256-ctr", key, iv);
      await pipeline(Readable.from(pieces(next, data, 65536)), c, new Writable({
        highWaterMark: 16384,
        write(chunk: Buffer, _e, cb) {
          most = Math.max(most, c.readableLength);
          hash.update(chunk);
          setImmediate(cb);
        },
      }));
      expect(most).toBeLessThan(1 << 20); // the cipher waited for the consumer
      hashes.push(hash.digest("hex"));
    }
    expect(hashes[0]).toBe(hashes[1]);
  });

  it("the stream state is made on first stream use, as node's (update()/final() alone never make it)", async () => {
    for (const [, api] of SIDES) {
      const c = api.createCipheriv("aes-128-ctr", K16, IV16);
      c.update(Buffer.alloc(5));
      expect(Object.hasOwn(c, "_readableState")).toBe(false);
      const out: Buffer[] = [];
      c.on("data", (d: Buffer) => out.push(d));
      expect(Object.hasOwn(c, "_readableState")).toBe(true);
      c.end(Buffer.alloc(3));
      await new Promise((res) => c.on("end", res));
      expect(Buffer.concat(out).length).toBe(3);
    }
  });

  it("destroy() before the end wipes the message's key: the object refuses further data (node's keeps going)", () => {
    const c = root.createCipheriv("aes-128-cbc", Buffer.alloc(16), Buffer.alloc(16));
    c.update(Buffer.alloc(20));
    c.destroy();
    expect(() => c.update(Buffer.alloc(1))).toThrow(StateError);
    const n = nodeCrypto.createCipheriv("aes-128-cbc", Buffer.alloc(16), Buffer.alloc(16));
    n.update(Buffer.alloc(20));
    n.destroy();
    expect(n.update(Buffer.alloc(12)).length).toBe(16);
  });
});

// ---- misuse: node's codes and messages ----

const K16 = Buffer.alloc(16, 1), IV16 = Buffer.alloc(16, 2), N12 = Buffer.alloc(12, 3);
/** A name known only at run time (a literal typo would not compile). */
const BOGUS_NAME: string = "aes-128-xyz";

describeEachBackend("node:crypto drop-in: misuse gives node's codes and messages", () => {
  it("construction: unknown names, key and IV lengths, tag lengths, option types", () => {
    const lines = expectSame((api, log) => {
      for (const name of ["aes-128-xyz", "aes-128", "aes128-cbc", "aes-128-cfb128", "aes-128-gcm-siv", "AES-512-CBC", ""]) {
        log(`name ${name}`, () => api.createCipheriv(name, K16, IV16));
      }
      for (const [name, k, iv] of [["aes-128-cbc", 15, 16], ["aes-192-cbc", 16, 16], ["aes256", 16, 16], ["aes-128-xts", 16, 16],
        ["aes-256-xts", 32, 16], ["aes-128-gcm", 24, 12], ["id-aes128-wrap", 24, 8], ["aes-128-cbc", 16, 15], ["aes-128-ctr", 16, 8],
        ["aes-128-ecb", 16, 16], ["aes-128-gcm", 16, 0], ["aes-128-xts", 32, 12], ["id-aes128-wrap", 16, 4], ["id-aes128-wrap-pad", 16, 8]] as const) {
        log(`${name} key ${k} iv ${iv}`, () => api.createCipheriv(name, Buffer.alloc(k).map((_, i) => i), Buffer.alloc(iv)));
      }
      log("cbc iv null", () => api.createCipheriv("aes-128-cbc", K16, null));
      log("gcm iv null", () => api.createCipheriv("aes-128-gcm", K16, null));
      log("wrap iv null", () => api.createCipheriv("id-aes128-wrap", K16, null));
      log("ecb iv null", () => api.createCipheriv("aes-128-ecb", K16, null).final());
      log("ecb iv empty", () => api.createCipheriv("aes-128-ecb", K16, Buffer.alloc(0)).final());
      for (const t of [5, 17, 11, 20]) log(`gcm authTagLength ${t}`, () => api.createCipheriv("aes-128-gcm", K16, N12, { authTagLength: t }));
      for (const t of ["16", -1, 1.5, null]) log(`gcm authTagLength ${String(t)}`, () => api.createCipheriv("aes-128-gcm", K16, N12, { authTagLength: t }));
      for (const t of [5, 3, 18]) log(`ccm authTagLength ${t}`, () => api.createCipheriv("aes-128-ccm", K16, N12, { authTagLength: t }));
      for (const t of [17]) log(`ocb authTagLength ${t}`, () => api.createCipheriv("aes-128-ocb", K16, N12, { authTagLength: t }));
      for (const name of ["aes-128-ccm", "id-aes192-CCM", "AES-256-OCB"]) log(`${name} without authTagLength`, () => api.createCipheriv(name, name.includes("192") ? Buffer.alloc(24) : name.includes("256") ? Buffer.alloc(32) : K16, N12));
      log("ccm nonce 6", () => api.createCipheriv("aes-128-ccm", K16, Buffer.alloc(6), { authTagLength: 16 }));
      log("ccm nonce 14", () => api.createCipheriv("aes-128-ccm", K16, Buffer.alloc(14), { authTagLength: 16 }));
      log("ocb nonce 16", () => api.createCipheriv("aes-128-ocb", K16, Buffer.alloc(16), { authTagLength: 16 }));
      log("xts equal halves", () => api.createCipheriv("aes-128-xts", Buffer.alloc(32, 1), IV16));
      log("options a number", () => api.createCipheriv("aes-128-gcm", K16, N12, 5).final());
      log("options null", () => api.createCipheriv("aes-128-gcm", K16, N12, null).final());
    });
    expect(lines.filter((l) => l.includes("throws")).length).toBeGreaterThan(35);
  });

  it("use after final(), methods a mode lacks, setAAD/setAuthTag order and lengths, bad tags and padding", () => {
    const lines = expectSame((api, log) => {
      const c = api.createCipheriv("aes-128-cbc", K16, IV16);
      log("cbc setAAD", () => c.setAAD(Buffer.alloc(1)));
      log("cbc getAuthTag", () => c.getAuthTag());
      log("cbc final", () => c.final());
      log("update after final", () => c.update("a"));
      log("final after final", () => c.final());
      log("setAutoPadding after final", () => c.setAutoPadding(false));
      log("setAAD after final", () => c.setAAD(Buffer.alloc(1)));
      log("getAuthTag after final", () => c.getAuthTag());
      const d = api.createDecipheriv("aes-128-cbc", K16, IV16);
      log("cbc setAuthTag", () => d.setAuthTag(Buffer.alloc(16)));
      log("bad padding: update", () => d.update(Buffer.alloc(32)));
      log("bad padding: final", () => d.final());
      log("final after a failed final", () => d.final());
      const e = api.createDecipheriv("aes-256-cbc", Buffer.alloc(32), IV16);
      log("empty ciphertext", () => e.final());
      const f = api.createDecipheriv("aes-256-ecb", Buffer.alloc(32), null);
      log("partial block: update", () => f.update(Buffer.alloc(17)));
      log("partial block: final", () => f.final());
      for (const [label, ap] of [["()", undefined], ["(false)", false], ["(0)", 0], ["('x')", "x"], ["(true)", true]] as const) {
        const g = api.createCipheriv("aes-128-cbc", K16, IV16);
        log(`setAutoPadding${label}`, () => g.setAutoPadding(ap));
        log(`setAutoPadding${label}: 16 bytes`, () => Buffer.concat([g.update(Buffer.alloc(16)), g.final()]));
      }
      const h = api.createCipheriv("aes-128-cbc", K16, IV16);
      h.setAutoPadding(false);
      log("no padding, 5 bytes", () => { h.update(Buffer.alloc(5)); return h.final(); });
      const hh = api.createCipheriv("aes-128-cbc", K16, IV16);
      log("padding off after update", () => { hh.update(Buffer.alloc(16)); hh.setAutoPadding(false); return hh.final(); });

      const gcm = api.createCipheriv("aes-128-gcm", K16, N12);
      log("gcm getAuthTag before final", () => gcm.getAuthTag());
      log("gcm setAAD", () => gcm.setAAD(Buffer.alloc(3)));
      log("gcm setAAD again", () => gcm.setAAD("more"));
      log("gcm update", () => gcm.update("data"));
      log("gcm setAAD after update", () => gcm.setAAD(Buffer.alloc(1)));
      log("gcm final", () => gcm.final());
      log("gcm getAuthTag", () => gcm.getAuthTag());
      log("gcm getAuthTag again", () => gcm.getAuthTag());
      log("gcm setAAD after final", () => gcm.setAAD(Buffer.alloc(1)));
      const gd = api.createDecipheriv("aes-128-gcm", K16, N12);
      log("gcm setAuthTag 5 bytes", () => gd.setAuthTag(Buffer.alloc(5)));
      log("gcm setAuthTag 11 bytes", () => gd.setAuthTag(Buffer.alloc(11)));
      log("gcm setAuthTag 17 bytes", () => gd.setAuthTag(Buffer.alloc(17)));
      log("gcm update", () => gd.update(Buffer.alloc(5)));
      log("gcm setAuthTag after update", () => gd.setAuthTag(Buffer.alloc(16)));
      log("gcm setAuthTag twice", () => gd.setAuthTag(Buffer.alloc(16)));
      log("gcm bad tag", () => gd.final());
      log("gcm setAuthTag after final", () => gd.setAuthTag(Buffer.alloc(16)));
      log("gcm update after a failed final", () => gd.update(Buffer.alloc(1)));
      const g12 = api.createDecipheriv("aes-128-gcm", K16, N12, { authTagLength: 12 });
      log("gcm authTagLength 12, setAuthTag 16", () => g12.setAuthTag(Buffer.alloc(16)));
      const gn = api.createDecipheriv("aes-128-gcm", K16, N12);
      log("gcm no tag", () => gn.final());

      const ccm = api.createCipheriv("aes-128-ccm", K16, N12, { authTagLength: 16 });
      log("ccm setAAD without plaintextLength", () => ccm.setAAD(Buffer.alloc(1)));
      log("ccm setAAD options a number", () => ccm.setAAD(Buffer.alloc(1), 5));
      log("ccm plaintextLength -1", () => ccm.setAAD(Buffer.alloc(1), { plaintextLength: -1 }));
      log("ccm plaintextLength 'x'", () => ccm.setAAD(Buffer.alloc(1), { plaintextLength: "x" }));
      const ccm13 = api.createCipheriv("aes-128-ccm", K16, Buffer.alloc(13), { authTagLength: 16 });
      log("ccm plaintextLength over the nonce's limit", () => ccm13.setAAD(Buffer.alloc(1), { plaintextLength: 70000 }));
      const ccm2 = api.createCipheriv("aes-128-ccm", K16, N12, { authTagLength: 8 });
      log("ccm setAAD", () => ccm2.setAAD(Buffer.alloc(1), { plaintextLength: 2 }));
      log("ccm update of another length", () => ccm2.update(Buffer.alloc(3)));
      const ccm3 = api.createCipheriv("aes-128-ccm", K16, N12, { authTagLength: 8 });
      log("ccm update without setAAD", () => ccm3.update(Buffer.alloc(3)));
      log("ccm final", () => ccm3.final());
      log("ccm getAuthTag", () => ccm3.getAuthTag());
      const cd = api.createDecipheriv("aes-128-ccm", K16, N12, { authTagLength: 8 });
      log("ccm setAuthTag 6", () => cd.setAuthTag(Buffer.alloc(6)));
      log("ccm setAuthTag", () => cd.setAuthTag(Buffer.alloc(8)));
      log("ccm setAuthTag twice", () => cd.setAuthTag(Buffer.alloc(8)));
      log("ccm bad tag: update", () => cd.update(Buffer.alloc(3)));
      log("ccm bad tag: final", () => cd.final());

      const ocb = api.createDecipheriv("aes-128-ocb", K16, N12, { authTagLength: 16 });
      log("ocb setAuthTag 12", () => ocb.setAuthTag(Buffer.alloc(12)));
      log("ocb update", () => ocb.update(Buffer.alloc(20)));
      log("ocb setAAD after update", () => ocb.setAAD(Buffer.alloc(2)));
      log("ocb setAuthTag", () => ocb.setAuthTag(Buffer.alloc(16)));
      log("ocb setAuthTag twice", () => ocb.setAuthTag(Buffer.alloc(16)));
      log("ocb bad tag", () => ocb.final());
      const on = api.createDecipheriv("aes-128-ocb", K16, N12, { authTagLength: 16 });
      log("ocb no tag", () => on.final());

      const xts = api.createCipheriv("aes-128-xts", Buffer.alloc(32).map((_, i) => i), IV16);
      log("xts 15 bytes", () => xts.update(Buffer.alloc(15)));
      log("xts still usable", () => xts.update(Buffer.alloc(17)));
      log("xts final", () => xts.final());
      log("xts after final", () => xts.update(Buffer.alloc(16)));

      const kw = api.createCipheriv("id-aes128-wrap", K16, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
      log("kw 7 bytes", () => kw.update(Buffer.alloc(7)));
      const kwd = api.createDecipheriv("id-aes192-wrap", Buffer.alloc(24), Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
      log("kw unwrap fails", () => kwd.update(Buffer.alloc(32)));
      const kwp = api.createDecipheriv("id-aes256-wrap-pad", Buffer.alloc(32), Buffer.from("A65959A6", "hex"));
      log("kwp unwrap fails", () => kwp.update(Buffer.alloc(16)));
    });
    expect(lines.filter((l) => l.includes("ERR_CRYPTO_INVALID_STATE")).length).toBeGreaterThan(10);
  });

  it("the errors are the library's typed classes, with node's codes and messages", () => {
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as AesError;
      }
      throw new Error("did not throw");
    };
    const cases: [() => unknown, abstract new (...a: never[]) => AesError, string, string][] = [
      [() => root.createCipheriv(BOGUS_NAME, K16, IV16), UnknownCipherError, "ERR_CRYPTO_UNKNOWN_CIPHER", "Unknown cipher"],
      [() => root.createCipheriv("aes-128-cbc", Buffer.alloc(5), IV16), KeyLengthError, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length"],
      [() => root.createCipheriv("aes-128-cbc", K16, Buffer.alloc(5)), IvLengthError, "ERR_CRYPTO_INVALID_IV", "Invalid initialization vector"],
      [() => root.createCipheriv("aes-128-gcm", K16, N12, { authTagLength: 5 }), TagLengthError, "ERR_CRYPTO_INVALID_AUTH_TAG", "Invalid authentication tag length: 5"],
      [() => root.createCipheriv("aes-128-xts", Buffer.alloc(32), IV16), WeakKeyError, "ERR_OSSL_XTS_DUPLICATED_KEYS", "error:1C800095:Provider routines::xts duplicated keys"],
      [() => { const c = root.createCipheriv("aes-128-ctr", K16, IV16); c.final(); c.final(); }, StateError, "ERR_CRYPTO_INVALID_STATE", "Invalid state"],
      [() => { const c = root.createCipheriv("aes-128-ctr", K16, IV16); c.final(); c.update("x"); }, StateError, "ERR_CRYPTO_INVALID_STATE", "Trying to add data in unsupported state"],
      [() => root.createCipheriv("aes-128-ctr", K16, IV16).getAuthTag(), StateError, "ERR_CRYPTO_INVALID_STATE", "Invalid state for operation getAuthTag"],
      [() => { const d = root.createDecipheriv("aes-128-gcm", K16, N12); d.setAuthTag(Buffer.alloc(16)); d.final(); }, DecryptionError, "ERR_AES_DECRYPT", "Unsupported state or unable to authenticate data"],
      [() => { const d = root.createDecipheriv("aes-128-cbc", K16, IV16); d.update(Buffer.alloc(16)); d.final(); }, DecryptionError, "ERR_OSSL_BAD_DECRYPT", "error:1C800064:Provider routines::bad decrypt"],
      [() => root.createDecipheriv("aes-128-cbc", K16, IV16).final(), DataLengthError, "ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH", "error:1C80006B:Provider routines::wrong final block length"],
      [() => root.createCipheriv("aes-128-ctr", K16, IV16).update("abc", "hex"), InputTypeError, "ERR_INVALID_ARG_VALUE", "The argument 'encoding' is invalid for data of length 3. Received 'hex'"],
      [() => root.createCipheriv("aes-128-ctr", K16, IV16).update(5 as never), InputTypeError, "ERR_INVALID_ARG_TYPE", 'The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received type number (5)'],
    ];
    for (const [f, cls, code, message] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(cls);
      expect(e).toBeInstanceOf(AesError);
      expect([e.code, e.message, e.name]).toEqual([code, message, cls.name]);
    }
  });
});

/**
 * Where the facade refuses what Node lets through: each with the facade's outcome and Node's,
 * so a change on either side shows up here.
 */
const DIFFERENCES: [string, Script, string[], string[]][] = [
  ["GCM 4- and 8-byte tags need allowShortTags (SP 800-38D Appendix C)", (api, log) => {
    log("authTagLength 8", () => api.createCipheriv("aes-128-gcm", K16, N12, { authTagLength: 8 }));
    log("setAuthTag of 4 bytes", () => api.createDecipheriv("aes-128-gcm", K16, N12).setAuthTag(Buffer.alloc(4)));
    log("with allowShortTags", () => api.createCipheriv("aes-128-gcm", K16, N12, { authTagLength: 8, allowShortTags: true }).final());
  }, [
    "authTagLength 8: throws ERR_CRYPTO_INVALID_AUTH_TAG a 8-byte GCM tag needs allowShortTags: true (SP 800-38D Appendix C)",
    "setAuthTag of 4 bytes: throws ERR_CRYPTO_INVALID_AUTH_TAG a 4-byte GCM tag needs allowShortTags: true (SP 800-38D Appendix C)",
    "with allowShortTags: Buffer ",
  ], ["authTagLength 8: an object", "setAuthTag of 4 bytes: an object", "with allowShortTags: Buffer "]],
  ["OCB tags under 8 bytes need allowShortTags", (api, log) => {
    log("authTagLength 4", () => api.createCipheriv("aes-128-ocb", K16, N12, { authTagLength: 4 }));
  }, ["authTagLength 4: throws ERR_CRYPTO_INVALID_AUTH_TAG a 4-byte OCB tag needs allowShortTags: true"], ["authTagLength 4: an object"]],
  ["a second key-wrap update() is refused", (api, log) => {
    const kw = api.createCipheriv("id-aes128-wrap", K16, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
    log("first", () => kw.update(Buffer.alloc(16)).length);
    log("second", () => kw.update(Buffer.alloc(16)).length);
  }, ["first: number 24", "second: throws ERR_AES_STATE key wrap takes all of its input in one update()"], ["first: number 24", "second: number 24"]],
  ["XTS refuses equal key halves when decrypting too", (api, log) => {
    log("decipher", () => api.createDecipheriv("aes-128-xts", Buffer.alloc(32, 1), IV16));
  }, ["decipher: throws ERR_OSSL_XTS_DUPLICATED_KEYS error:1C800095:Provider routines::xts duplicated keys"], ["decipher: an object"]],
  ["CCM: final() without update() when decrypting verifies nothing, and is refused", (api, log) => {
    const d = api.createDecipheriv("aes-128-ccm", K16, N12, { authTagLength: 16 });
    d.setAuthTag(Buffer.alloc(16));
    log("final", () => d.final());
  }, ["final: throws ERR_AES_STATE CCM needs update() (once, with the whole message) before final()"], ["final: Buffer "]],
  ["CCM: a second setAAD() would replace the first, and is refused", (api, log) => {
    const c = api.createCipheriv("aes-128-ccm", K16, N12, { authTagLength: 16 });
    c.setAAD(Buffer.alloc(1), { plaintextLength: 2 });
    log("again", () => c.setAAD(Buffer.alloc(1), { plaintextLength: 2 }));
  }, ["again: throws ERR_AES_STATE CCM takes its AAD in one setAAD() call"], ["again: an object"]],
  ["OCB: authTagLength 0 is refused", (api, log) => {
    log("authTagLength 0", () => api.createCipheriv("aes-128-ocb", K16, N12, { authTagLength: 0 }));
  }, ["authTagLength 0: throws ERR_CRYPTO_INVALID_AUTH_TAG OCB tag length must be 8..16 bytes (1..7 with allowShortTags), got 0"],
  ["authTagLength 0: an object"]],
  ["an unknown output encoding is refused before the chunk is processed (Node loses the chunk's output)", (api, log) => {
    const c = api.createCipheriv("aes-128-ctr", K16, IV16);
    log("unknown", () => c.update("ab", "utf8", "bogus"));
    log("then", () => c.update("ab", "utf8", "hex"));
  }, ["unknown: throws ERR_UNKNOWN_ENCODING Unknown encoding: bogus", "then: string \"76b4\""],
  ["unknown: throws ERR_UNKNOWN_ENCODING Unknown encoding: bogus", "then: string \"7591\""]],
  ["another output encoding after the first is a StateError (Node: an internal assertion)", (api, log) => {
    const c = api.createCipheriv("aes-128-ctr", K16, IV16);
    log("hex", () => c.update("ab", "utf8", "hex"));
    log("base64", () => c.final("base64"));
  }, ["hex: string \"76b4\"", "base64: throws ERR_AES_STATE Cannot change encoding"],
  ["hex: string \"76b4\"", "base64: throws ERR_INTERNAL_ASSERTION Cannot change encoding\nThis is caused by either a bug in Node.js or incorrect usage of Node.js internals.\nPlease open an issue with this stack trace at https://github.com/nodejs/node/issues\n"]],
];

describeEachBackend("node:crypto drop-in: the deliberate differences, both sides recorded", () => {
  it.each(DIFFERENCES)("%s", (_, script, ours, node) => {
    expect(record(NODE, script)).toEqual(node);
    expect(record(OURS, script)).toEqual(ours);
  });
});

// ---- the browser entry ----

describe("the browser entry: the byte-level facade, no Node built-ins", () => {
  it("returns plain Uint8Array even where a Buffer exists, takes bytes only, keeps the library's messages", () => {
    const c = browserRoot.createCipheriv("aes128", K16, IV16);
    const out = c.update(new Uint8Array(20));
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(c.final())).toBe(Uint8Array.prototype);
    expect(() => browserRoot.createCipheriv("aes-128-ctr", K16, IV16).update("text" as never)).toThrow(InputTypeError);
    expect(() => browserRoot.createCipheriv(BOGUS_NAME, K16, IV16)).toThrow(/unknown cipher/);
    expect(browserRoot.createCipheriv("id-aes256-GCM", Buffer.alloc(32), N12)).toBeInstanceOf(browserRoot.GcmCipher);
    expect(browserRoot.createCipheriv).not.toBe(root.createCipheriv);
    expect(root.Cipher).toBe(browserRoot.Cipher); // the rest of the root is shared
  });

  it("no module reachable from src/index.ts imports node: built-ins (or Buffer)", () => {
    const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/g)) {
        const spec = m[1]!;
        if (spec.startsWith("node:") || spec === "buffer" || spec === "stream") offenders.push(`${file}: ${spec}`);
        else if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      }
      if (/\bBuffer\.(from|alloc|concat|isBuffer)\b/.test(text.replace(/\/\/.*$/gm, ""))) offenders.push(`${file}: Buffer`);
    };
    visit(join(srcDir, "index.ts"));
    expect(seen.has(join(srcDir, "facade.ts"))).toBe(true);
    expect(seen.has(join(srcDir, "node-facade.ts"))).toBe(false);
    expect(offenders).toEqual([]);
  });
});
