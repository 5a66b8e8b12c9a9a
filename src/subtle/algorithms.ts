// The algorithms the facade implements, looked up by name without regard to letter case
// (as WebCrypto's algorithm normalization does). One handler file per algorithm.
import type { AlgorithmHandler } from "./algorithm.js";
import { aesCbc } from "./aes-cbc.js";
import { aesCtr } from "./aes-ctr.js";
import { aesGcm } from "./aes-gcm.js";
import { aesKw } from "./aes-kw.js";

export const ALGORITHMS: readonly AlgorithmHandler[] = [aesCtr, aesCbc, aesGcm, aesKw];

export function findAlgorithm(name: string): AlgorithmHandler | undefined {
  const upper = name.toUpperCase();
  return ALGORITHMS.find((a) => a.name === upper);
}
