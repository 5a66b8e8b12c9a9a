// The `subtle` facade against the page's own crypto.subtle in Firefox and WebKit: the misuse
// cases shared with the Node and Chromium runs (test/browser/subtle-cases.ts), each answered
// with the same bytes or error name, except the differences listed here, measured on Firefox
// ESR 153 and WebKitGTK 2.50. The facade's answers follow the spec; the engines' own are below.
import { describe, expect, it } from "vitest";
import { subtle } from "../../src/subtle/index.js";
import { comparable, MISUSE_CASES, type AnySubtle } from "../browser/subtle-cases.js";
import { ENGINE, web } from "./engine.js";

/** The engine's outcome where it is not the facade's (the facade's is in MISUSE_CASES or equal to Node's). */
const DIFFERENCES: Record<"firefox" | "webkit", Record<string, string>> = {
  firefox: {
    // Firefox imports a JWK whatever its kty says (WebCrypto: kty must be "oct": DataError).
    "jwk of another kty": "{}",
    // Firefox reports dictionary-conversion failures as SyntaxError/OperationError, not TypeError.
    "CTR length 256 (not an octet)": "rejects SyntaxError",
    "CTR without counter": "rejects SyntaxError",
    "CBC as a bare name": "rejects InvalidAccessError",
    "GCM tagLength 256 (not an octet)": "rejects OperationError",
    "GCM tagLength -1": "rejects OperationError",
    "GCM tagLength NaN": "rejects OperationError",
    "GCM without iv": "rejects OperationError",
    "GCM as a bare name": "rejects OperationError",
    "GCM additionalData a string": "rejects OperationError",
    "GCM additionalData null": "rejects OperationError",
    // Firefox refuses exactly 2^length counter blocks (the spec allows them; Chromium and Node too).
    "CTR with 2^4 blocks at length 4": "rejects OperationError",
    "KW encrypt": "rejects InvalidAccessError",
    "KW decrypt": "rejects InvalidAccessError",
    "KW wrapKey of a jwk of 91 bytes (not a multiple of 8)": "rejects DataError",
    "KW unwrapKey of 20 bytes": "rejects DataError",
    "KW unwrapKey of 0 bytes": "rejects DataError",
  },
  webkit: {
    "KW wrapKey of a jwk of 91 bytes (not a multiple of 8)": "rejects OperationError",
  },
};

/**
 * Calls that crash WebKitGTK 2.50.6's web process (the page dies: "WebProcess CRASHED"), so
 * they are not made there: an empty input to AES-CBC decrypt and to AES-KW unwrapKey. The facade
 * is still checked on them, against the answer Node, Chromium and Firefox agree on.
 */
const CRASHES_WEBKIT: Record<string, string> = {
  "CBC decrypt of an empty ciphertext": "rejects OperationError",
  "KW unwrapKey of 0 bytes": "rejects OperationError",
};

describe(`subtle vs ${ENGINE}'s crypto.subtle: the same outcome for the same misuse`, () => {
  it("the page has crypto.subtle (http on localhost is a secure context)", () => {
    expect(isSecureContext).toBe(true);
    expect(typeof web?.encrypt).toBe("function");
  });

  it.each(MISUSE_CASES)("%s", async (name, call, known) => {
    if (ENGINE === "webkit" && name in CRASHES_WEBKIT) {
      // not sent to WebKit (it would crash the page); the facade alone, against the agreed answer
      expect(await comparable(call(subtle))).toBe(CRASHES_WEBKIT[name]);
      return;
    }
    const [ours, theirs] = await Promise.all([comparable(call(subtle)), comparable(call(web as AnySubtle))]);
    if (known) expect(ours).toBe(known.ours);
    const engine = ENGINE === "chromium" ? known?.chromium : DIFFERENCES[ENGINE][name];
    expect(theirs).toBe(engine ?? ours);
  });
});
