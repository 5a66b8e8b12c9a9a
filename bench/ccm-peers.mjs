// The pure-JavaScript AES-CCM implementations on npm that the CCM speed target is measured
// against, behind one shape: encrypt(key, nonce, aad, data) → ciphertext || 16-byte tag, each
// through its library's public API. Surveyed: sjcl (sjcl.mode.ccm, in its default npm build),
// asmcrypto.js (AES_CCM, asm.js); node-forge (ECB/CBC/CFB/OFB/CTR/GCM only), @noble/ciphers
// (no CCM) and @stablelib (GCM and SIV, no CCM) have none.
import sjcl from "sjcl";
import * as asmcrypto from "asmcrypto.js";

// sjcl works on bit arrays (32-bit big-endian words, the last one partial); its default npm
// build has no byte codec, so the conversions are part of its cost here.
function toBits(bytes) {
  const words = [];
  const whole = bytes.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    words.push((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]);
  }
  const r = bytes.length - whole;
  if (r > 0) {
    let w = 0;
    for (let j = 0; j < r; j++) w |= bytes[whole + j] << (24 - 8 * j);
    words.push(sjcl.bitArray.partial(8 * r, w, 1));
  }
  return words;
}

function fromBits(words) {
  const n = sjcl.bitArray.bitLength(words) / 8;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (words[i >> 2] >>> (24 - 8 * (i & 3))) & 0xff;
  return out;
}

export const ccmPeers = [
  {
    name: "sjcl",
    encrypt(key, nonce, aad, data) {
      const prf = new sjcl.cipher.aes(toBits(key));
      return fromBits(sjcl.mode.ccm.encrypt(prf, toBits(data), toBits(nonce), toBits(aad), 128));
    },
  },
  {
    name: "asmcrypto.js",
    encrypt(key, nonce, aad, data) {
      return asmcrypto.AES_CCM.encrypt(data, key, nonce, aad.length ? aad : undefined, 16);
    },
  },
];
