// The Node known-answer suites, unchanged, in Chromium: FIPS 197, SP 800-38A and every NIST
// AESAVS response file (KAT, MMT, MCT), on both backends. Importing a test module registers
// its tests here; its vector files are read through the node:fs shim (vitest.config.ts).
import "../fips197.test.js";
import "../sp800-38a.test.js";
import "../aesavs.test.js";
