// Builds the timed tasks of one benchmark case from the peer list.
import { LIBS, MESSAGE_LIBS, KEYSETUP_LIBS, ECB16_LIBS, expectedOutput } from "./peers.mjs";
import { measure, mbps, randomBytes } from "./harness.mjs";

/** Throughput of every library that has `mode`, for one key size and input size. */
export async function throughputCase(mode, bits, size, { libs = LIBS, rounds, time } = {}) {
  const key = randomBytes(bits / 8);
  const iv = randomBytes(16);
  const input = randomBytes(size);
  const expected = expectedOutput(mode, bits, key, iv, input);
  const tasks = [];
  for (const lib of libs) {
    const fn = await lib.make(mode, bits, key, iv, input);
    if (fn) tasks.push({ name: lib.name, fn, expected: fn.expected ?? expected });
  }
  const results = await measure(tasks, { rounds, time });
  return [...results].map(([lib, r]) => ({ kind: "throughput", mode, bits, size, lib, ms: r.ms, mbps: mbps(size, r.ms), roundsMs: r.rounds }));
}

/** Per-message cost (key setup included) of AES-128-CTR on `size` bytes. */
export async function messageCase(size, { libs = MESSAGE_LIBS, rounds, time } = {}) {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const input = randomBytes(size);
  const expected = expectedOutput("ctr", 128, key, iv, input);
  const tasks = libs.map((lib) => ({ name: lib.name, fn: lib.make(key, iv, input), expected }));
  const results = await measure(tasks, { rounds, time });
  return [...results].map(([lib, r]) => ({ kind: "message", mode: "ctr", bits: 128, size, lib, ms: r.ms, nsPerOp: r.ms * 1e6, roundsMs: r.rounds }));
}

/** Key setup + one block (AES-128). */
export async function keySetupCase({ libs = KEYSETUP_LIBS, rounds, time } = {}) {
  const key = randomBytes(16);
  const block = randomBytes(16);
  const expected = expectedOutput("ecb-enc", 128, key, null, block);
  const tasks = libs.map((lib) => ({ name: lib.name, fn: lib.make(key, block), expected }));
  const results = await measure(tasks, { rounds, time });
  return [...results].map(([lib, r]) => ({ kind: "keysetup", bits: 128, size: 16, lib, ms: r.ms, opsPerSec: 1000 / r.ms, roundsMs: r.rounds }));
}

/** A 16-byte AES-128-ECB message through createCipheriv, key setup included. */
export async function ecb16Case({ libs = ECB16_LIBS, rounds, time } = {}) {
  const key = randomBytes(16);
  const input = randomBytes(16);
  const expected = expectedOutput("ecb-enc", 128, key, null, input);
  const tasks = libs.map((lib) => ({ name: lib.name, fn: lib.make(key, input), expected }));
  const results = await measure(tasks, { rounds, time });
  return [...results].map(([lib, r]) => ({ kind: "ecb16", mode: "ecb", bits: 128, size: 16, lib, ms: r.ms, nsPerOp: r.ms * 1e6, roundsMs: r.rounds }));
}
