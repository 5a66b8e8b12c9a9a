// What an algorithm contributes to the facade. The dispatcher (subtle.ts) does everything
// common to all of them — argument conversion, key/usage checks, key import and export,
// wrapKey/unwrapKey through encrypt/decrypt — and calls these for the cipher itself.
// To add an algorithm: write one file exporting an AlgorithmHandler and
// list it in ALGORITHMS (algorithms.ts).
import type { AesKey } from "../key.js";
import type { KeyUsage } from "./types.js";

/** An algorithm dictionary as passed by the caller ({ name, ...parameters }). */
export type AlgorithmParams = Record<string, unknown>;

/**
 * One cipher operation, on the parameters `params` converted (see AlgorithmHandler.params): the
 * key is expanded for the call and wiped right after it.
 */
export type CipherOperation = (params: AlgorithmParams, key: AesKey, data: Uint8Array) => Uint8Array;

export interface AlgorithmHandler {
  /** The canonical name, e.g. 'AES-CTR' (callers may use any letter case). */
  readonly name: string;
  /** JWK `alg` after the key size: 'CTR' gives 'A128CTR', 'A192CTR', 'A256CTR'. */
  readonly jwkSuffix: string;
  /** The usages a key of this algorithm may be given; any other is a SyntaxError. */
  readonly usages: readonly KeyUsage[];
  /**
   * WebIDL's conversion of the encrypt/decrypt parameter dictionary (AesCtrParams, ...): each
   * member read once, in the dictionary's member order (lexicographic), BufferSources copied;
   * TypeError for a missing or mistyped member. It runs as part of algorithm normalization,
   * before the call's data is copied, so a getter that alters or transfers the data is seen
   * (w3c/webcrypto#426). What the operation checks about the values (an IV's length...) waits
   * for the operation. Absent: the algorithm takes no parameters besides its name.
   */
  readonly params?: (dictionary: AlgorithmParams) => AlgorithmParams;
  encrypt?: CipherOperation;
  decrypt?: CipherOperation;
  /** Only for algorithms with a dedicated wrap (AES-KW); the others wrap with encrypt. */
  wrapKey?: CipherOperation;
  unwrapKey?: CipherOperation;
  /**
   * wrapKey('jwk') pads the JWK's JSON with trailing spaces to a multiple of this many bytes
   * (AES-KW: 8). JSON.parse ignores the spaces, so any implementation unwraps the result.
   */
  readonly jwkWrapBlock?: number;
}
