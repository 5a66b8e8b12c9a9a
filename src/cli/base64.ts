// Base64 for `enc -a` as openssl's base64 BIO writes it: 48 input bytes (64 characters) a line,
// each line ended by "\n", the last, shorter line too; with -A no newline at all. Bytes are
// encoded 48 at a time, so output appears in the same places as openssl's (-p lines written
// after the Salted__ header still come first). Decoding takes both layouts, and any whitespace,
// and refuses anything else: it only ever sees ciphertext, which is not secret, so the
// character checks may branch.
import { InputFormatError } from "./errors.js";

const LINE_BYTES = 48;

export interface Base64Encoder {
  push(bytes: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

export function base64Encoder(singleLine: boolean): Base64Encoder {
  let carry = new Uint8Array(0);
  const lines = (text: string): Uint8Array => {
    if (text.length === 0) return new Uint8Array(0);
    if (singleLine) return Buffer.from(text, "latin1");
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += 64) parts.push(text.slice(i, i + 64));
    return Buffer.from(parts.join("\n") + "\n", "latin1");
  };
  return {
    push(bytes) {
      const all = carry.length === 0 ? bytes : concat(carry, bytes);
      const whole = all.length - (all.length % LINE_BYTES);
      carry = all.slice(whole);
      return lines(Buffer.from(all.buffer, all.byteOffset, whole).toString("base64"));
    },
    end() {
      const rest = carry;
      carry = new Uint8Array(0);
      return lines(Buffer.from(rest.buffer, rest.byteOffset, rest.length).toString("base64"));
    },
  };
}

export interface Base64Decoder {
  push(text: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

const WHITESPACE = /[\t\n\v\f\r ]+/g;
const ALPHABET_ONLY = /^[A-Za-z0-9+/]*$/;
const FINAL_GROUP = /^(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;

export function base64Decoder(): Base64Decoder {
  let pending = ""; // 0..3 characters of an unfinished group, or the final padded group
  let padded = false;
  const bad = (why: string) => new InputFormatError(`bad base64 input (-a): ${why}`);
  return {
    push(chunk) {
      const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("latin1").replace(WHITESPACE, "");
      if (text.length === 0) return new Uint8Array(0);
      if (padded) {
        // The rest of the padding, cut off by a read boundary, is all that may follow.
        if (!/^=*$/.test(text)) throw bad("characters after the final '=' padding");
        pending += text;
        return new Uint8Array(0);
      }
      let body = text;
      const eq = text.indexOf("=");
      if (eq >= 0) {
        if (!/^=*$/.test(text.slice(eq))) throw bad("'=' inside the data");
        padded = true;
        body = text.slice(0, eq);
      }
      if (!ALPHABET_ONLY.test(body)) throw bad("a character outside A-Z a-z 0-9 + / =");
      const all = pending + body;
      if (padded) {
        pending = all.slice(all.length - (all.length % 4)) + text.slice(eq);
        return Buffer.from(all.slice(0, all.length - (all.length % 4)), "base64");
      }
      const whole = all.length - (all.length % 4);
      pending = all.slice(whole);
      return Buffer.from(all.slice(0, whole), "base64");
    },
    end() {
      const last = pending;
      pending = "";
      if (last.length === 0) return new Uint8Array(0);
      if (padded) {
        if (!FINAL_GROUP.test(last)) throw bad("wrong '=' padding at the end");
        return Buffer.from(last, "base64");
      }
      // No padding at all: 2 or 3 characters still make 1 or 2 bytes; 1 cannot.
      if (last.length === 1) throw bad("truncated (one character left over)");
      return Buffer.from(last, "base64");
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
