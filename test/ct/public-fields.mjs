// What the constant-time check (scripts/ct-taint.mjs) may treat as PUBLIC in build/aes.wasm.
// Everything else read from memory is secret. Keep this list short and reviewed: each entry is
// a claim that the value carries no key or data information.
//
// roles: the parameters of every exported function, in order (an export missing here fails the
// test, so a new export cannot skip review):
//   key    pointer to a key slot          state  pointer to a state slot
//   gcm    pointer to a GCM slot          data   pointer to secret bytes (io, src, dst, key bytes)
//   ocb    pointer to an OCB slot
//   length a public integer (byte or bit count)
// Pointers themselves are public (the host chooses them); what they point at is not.

const mode = ["key", "state", "data", "length"];

export const roles = {
  expandKey: ["key", "data", "length"],
  expandEncryptionKey: ["key", "data", "length"],
  expandDecryptionKey: ["key"],
  encryptOne: ["key", "data", "data"],
  decryptOne: ["key", "data", "data"],
  ecbEncrypt: ["key", "data", "length"],
  ecbDecrypt: ["key", "data", "length"],
  cbcEncrypt: mode,
  cbcDecrypt: mode,
  cfbEncrypt: mode,
  cfbDecrypt: mode,
  cfb8Encrypt: mode,
  cfb8Decrypt: mode,
  cfb1Encrypt: mode, // last parameter: nbits
  cfb1Decrypt: mode,
  ofb: mode,
  ctr: mode,
  ctr32le: mode, // GCM-SIV's counter: STATE_CTR_MASK read little-endian, as public as ctr's
  xtsEncrypt: mode, // state: the tweak of the next block (secret: E_K2(i))
  xtsDecrypt: mode,
  xtsEncryptLast: mode, // len: 17..31, the last full block and the partial one
  xtsDecryptLast: mode,
  ocbSetup: ["key", "ocb"],
  ocbNonce: ["key", "ocb", "data"], // the formatted nonce block (treated as secret: nothing branches on it)
  ocbEncrypt: ["key", "ocb", "data", "length"],
  ocbDecrypt: ["key", "ocb", "data", "length"],
  ocbEncryptLast: ["key", "ocb", "data", "length"],
  ocbDecryptLast: ["key", "ocb", "data", "length"],
  ocbAad: ["key", "ocb", "data", "length"],
  ocbAadLast: ["key", "ocb", "data", "length"],
  ocbTag: ["key", "ocb", "data"],
  ghashSetup: ["gcm", "data"], // h: the hash subkey (secret)
  ghash: ["gcm", "data", "data", "length"], // acc (normally gcm + GCM_ACC), io, len
  polyvalSetup: ["gcm", "data"], // h: POLYVAL's key (secret)
  polyval: ["gcm", "data", "data", "length"],
  gcmShortSeal: ["key", "gcm", "data", "length", "length", "length"], // io, n, a, prefix length
  gcmShortOpen: ["key", "gcm", "data", "length", "length", "length"], // io, n, a, tagLength
  gcmSlotSize: [],
  wipe: ["data", "length"],
  heapBase: [],
};

// Public fields per role, by the NAME of the exported global that holds the field's offset
// (read from the module, so a layout change needs no edit here). Required unless `optional`: a
// missing global fails.
export const publicFields = {
  // Nr is determined by the key length, which is public.
  key: [{ global: "KEY_ROUNDS", bytes: 4 }],
  state: [
    // bytes of the current block already used: a function of the public message lengths so far
    { global: "STATE_POS", bytes: 4 },
    // which counter bits advance: chosen by the caller (counterBits), not secret
    { global: "STATE_CTR_MASK", bytes: 16 },
  ],
  gcm: [],
  // block counters: how many data / AAD blocks came before, a function of the public lengths
  // (they choose which L_i a block uses, so that load's address depends on them)
  // (optional: a module without OCB kernels, like the test's planted modules, has no such globals)
  ocb: [{ global: "OCB_BLOCKS", bytes: 4, optional: true }, { global: "OCB_AAD_BLOCKS", bytes: 4, optional: true }],
  data: [],
};

// Public absolute ranges [from, to) named by exported globals: constant tables that hold no
// secret. Optional: absent from the module means the range is simply not there.
export const publicRanges = [{ from: "CT_TABLES", to: "CT_TABLES_END", optional: true }];

export default { roles, publicFields, publicRanges };
