// The algorithms the facade implements, looked up by name without regard to letter case
// (as WebCrypto's algorithm normalization does). Add AES-GCM and AES-KW handlers here.
import type { AlgorithmHandler } from "./algorithm.js";
import { aesCbc } from "./aes-cbc.js";
import { aesCtr } from "./aes-ctr.js";

export const ALGORITHMS: readonly AlgorithmHandler[] = [aesCtr, aesCbc];

export function findAlgorithm(name: string): AlgorithmHandler | undefined {
  const upper = name.toUpperCase();
  return ALGORITHMS.find((a) => a.name === upper);
}
