// The cipher names the CLI takes, in one table: `encrypt`/`decrypt --cipher`, `enc -<name>`,
// `aes-wasm list` and the "unknown cipher" message all read it, so they cannot disagree.
// Each entry says how long its key and IV are (what a password KDF derives and what `encrypt`
// generates), and whether `openssl enc` takes it (then the bytes are openssl's) or it is one of
// ours (an AEAD or XTS, which openssl enc refuses; the CLI appends the tag).
import { UsageError } from "./errors.js";

export type CipherMode =
  | "ecb" | "cbc" | "cfb" | "cfb8" | "cfb1" | "ofb" | "ctr"
  | "wrap" | "wrap-pad"
  | "gcm" | "ccm" | "ocb" | "gcm-siv" | "siv"
  | "xts";

export interface CipherSpec {
  /** The name as listed (lower case). */
  name: string;
  mode: CipherMode;
  /** AES key size in bits (the block cipher's, not the whole key for two-key constructions). */
  bits: 128 | 192 | 256;
  keyBytes: number;
  /** The IV/nonce length a password KDF derives and `encrypt` generates; 0 = the mode takes none. */
  ivBytes: number;
  /** The IV/nonce lengths the mode accepts (--iv, -iv): [min, max] bytes. */
  ivRange: readonly [number, number];
  /** `openssl enc` takes this name and the output is byte-for-byte openssl's. */
  openssl: boolean;
  /** An AEAD: takes --aad, and its tag is checked before any output is kept. */
  aead: boolean;
  /** Bytes the construction adds (an AEAD's tag, key wrap's integrity block), 0 for the other openssl modes. */
  tagBytes: number;
  /** The tag goes in front of the ciphertext (AES-SIV's V ‖ C, RFC 5297), not after it. */
  tagFirst?: boolean;
  /** Processed as one message in memory (key wrap, two-pass AEADs), not streamed. */
  whole: boolean;
  /** What the name does, for `aes-wasm list --long`. */
  note: string;
}

const BITS = [128, 192, 256] as const;
const OPENSSL_MODES = ["ecb", "cbc", "cfb", "cfb1", "cfb8", "ctr", "ofb"] as const;

function build(): CipherSpec[] {
  const specs: CipherSpec[] = [];
  for (const bits of BITS) {
    for (const mode of OPENSSL_MODES) {
      specs.push({
        name: `aes-${bits}-${mode}`, mode, bits, keyBytes: bits / 8, ivBytes: mode === "ecb" ? 0 : 16, ivRange: mode === "ecb" ? [0, 0] : [16, 16], openssl: true, aead: false, tagBytes: 0, whole: false,
        note: mode === "ecb" || mode === "cbc" ? "openssl enc, PKCS#7 padding (-nopad / --no-pad: none)" : "openssl enc, no padding",
      });
    }
  }
  for (const bits of BITS) {
    specs.push({ name: `id-aes${bits}-wrap`, mode: "wrap", bits, keyBytes: bits / 8, ivBytes: 8, ivRange: [8, 8], openssl: true, aead: false, tagBytes: 8, whole: true,
      note: "openssl enc, AES-KW (RFC 3394), the whole input as one message" });
    specs.push({ name: `id-aes${bits}-wrap-pad`, mode: "wrap-pad", bits, keyBytes: bits / 8, ivBytes: 4, ivRange: [4, 4], openssl: true, aead: false, tagBytes: 8, whole: true,
      note: "openssl enc, AES-KWP (RFC 5649), the whole input as one message" });
  }
  const ours = (s: Omit<CipherSpec, "openssl" | "aead" | "tagBytes"> & Partial<CipherSpec>): CipherSpec =>
    ({ openssl: false, aead: true, tagBytes: 16, ...s });
  const appended = "16-byte tag appended, checked before any output is kept";
  for (const bits of BITS) {
    specs.push(ours({ name: `aes-${bits}-gcm`, mode: "gcm", bits, keyBytes: bits / 8, ivBytes: 12, ivRange: [1, Infinity], whole: false,
      note: `aes-wasm only: AES-GCM, ${appended}` }));
  }
  for (const bits of BITS) {
    specs.push(ours({ name: `aes-${bits}-ccm`, mode: "ccm", bits, keyBytes: bits / 8, ivBytes: 12, ivRange: [7, 13], whole: true,
      note: `aes-wasm only: AES-CCM (nonce 7..13 bytes), ${appended}; the whole input in memory` }));
  }
  for (const bits of BITS) {
    specs.push(ours({ name: `aes-${bits}-ocb`, mode: "ocb", bits, keyBytes: bits / 8, ivBytes: 12, ivRange: [1, 15], whole: false,
      note: `aes-wasm only: OCB3 (RFC 7253, nonce 1..15 bytes), ${appended}` }));
  }
  for (const bits of [128, 256] as const) {
    specs.push(ours({ name: `aes-${bits}-gcm-siv`, mode: "gcm-siv", bits, keyBytes: bits / 8, ivBytes: 12, ivRange: [12, 12], whole: true,
      note: `aes-wasm only: AES-GCM-SIV (RFC 8452), ${appended}; the whole input in memory` }));
  }
  for (const bits of BITS) {
    specs.push(ours({ name: `aes-${bits}-siv`, mode: "siv", bits, keyBytes: bits / 4, ivBytes: 16, ivRange: [1, Infinity], whole: true, tagFirst: true,
      note: "aes-wasm only: AES-SIV (RFC 5297, a two-AES key; the nonce and --aad as S2V components), the 16-byte SIV in front; the whole input in memory" }));
  }
  for (const bits of [128, 256] as const) {
    specs.push(ours({ name: `aes-${bits}-xts`, mode: "xts", bits, keyBytes: bits / 4, ivBytes: 16, ivRange: [16, 16], whole: true, aead: false, tagBytes: 0,
      note: "aes-wasm only: XTS-AES (IEEE 1619, a two-AES key, the --iv is the tweak), one data unit of 16 B to 16 MiB, no integrity" }));
  }
  return specs;
}

export const CIPHERS: readonly CipherSpec[] = build();

/** openssl's other spellings: `-aes256` is AES-256-CBC, `aes256-wrap` is id-aes256-wrap. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ...BITS.map((b) => [`aes${b}`, `aes-${b}-cbc`] as [string, string]),
  ...BITS.map((b) => [`aes${b}-wrap`, `id-aes${b}-wrap`] as [string, string]),
]);

const BY_NAME: ReadonlyMap<string, CipherSpec> = new Map(CIPHERS.map((c) => [c.name, c]));

/** The spec for `name` (any case, aliases too), or undefined. */
export function findCipher(name: string): CipherSpec | undefined {
  const lower = name.toLowerCase();
  return BY_NAME.get(ALIASES.get(lower) ?? lower);
}

/** The spec for `name`; an unknown name is a usage error that lists every name. */
export function cipherSpec(name: string): CipherSpec {
  const spec = findCipher(name);
  if (!spec) throw new UnknownCipherNameError(name);
  return spec;
}

/** An unknown cipher name, with the list of the known ones (exit 2). */
export class UnknownCipherNameError extends UsageError {
  constructor(name: string) {
    const shown = JSON.stringify(name.length > 60 ? name.slice(0, 60) + "…" : name);
    super(`unknown cipher ${shown}; the ciphers are: ${CIPHERS.map((c) => c.name).join(", ")} (aliases: ${[...ALIASES.keys()].join(", ")}; see aes-wasm list --long)`);
    this.name = "UnknownCipherNameError";
  }
}

/** `aes-wasm list`: one name a line; --long adds key and IV sizes and what the name does. */
export function listCiphers(long: boolean): string[] {
  if (!long) return CIPHERS.map((c) => c.name);
  const width = Math.max(...CIPHERS.map((c) => c.name.length)) + 2;
  const lines = CIPHERS.map((c) => `${c.name.padEnd(width)}key ${String(c.keyBytes).padStart(2)} B  iv ${String(c.ivBytes).padStart(2)} B  ${c.note}`);
  lines.push("", `aliases: ${[...ALIASES].map(([a, n]) => `${a} = ${n}`).join(", ")}`);
  return lines;
}

/** `enc -list`: openssl's layout (`-%-25s`, three a line, a final newline), then our own names. */
export function encCipherList(): string {
  const columns = (names: string[]) => {
    let out = "";
    names.forEach((n, i) => (out += `-${n.padEnd(25)}${i % 3 === 2 ? "\n" : " "}`));
    return out + "\n";
  };
  const ours = CIPHERS.filter((c) => c.openssl);
  const aliases = [...ALIASES.keys()];
  const theirs = CIPHERS.filter((c) => !c.openssl);
  return "Supported ciphers:\n" + columns([...ours.map((c) => c.name), ...aliases].sort()) +
    "aes-wasm only (openssl enc refuses AEAD and XTS ciphers; the tag appended, AES-SIV's in front):\n" + columns(theirs.map((c) => c.name));
}
