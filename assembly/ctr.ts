// CTR (SP 800-38A §6.5), any byte length. The counter block is a big-endian 128-bit number;
// after each block only the bits selected by STATE_CTR_MASK advance (all 128 for OpenSSL /
// Node, the low `length` bits for WebCrypto), the others stay fixed. The host checks that a
// call never wraps the counter into blocks already used.
import { encryptBlock } from "./block";
import { STATE_REG, STATE_KS, STATE_CTR_MASK, STATE_POS } from "./layout";

export function ctr(key: usize, state: usize, io: usize, len: usize): void {
  const reg = state + STATE_REG;
  const ks = state + STATE_KS;
  let n = <usize>load<u32>(state + STATE_POS);
  let i: usize = 0;
  while (n != 0 && i < len) {
    store<u8>(io + i, load<u8>(io + i) ^ load<u8>(ks + n));
    i++;
    n = (n + 1) & 15;
  }
  if (i == len) {
    store<u32>(state + STATE_POS, <u32>n);
    return;
  }
  const mHi = bswap<u64>(load<u64>(state + STATE_CTR_MASK));
  const mLo = bswap<u64>(load<u64>(state + STATE_CTR_MASK, 8));
  let hi = bswap<u64>(load<u64>(reg));
  let lo = bswap<u64>(load<u64>(reg, 8));
  for (; i < len; i += 16) {
    store<u64>(ks, bswap<u64>(hi));
    store<u64>(ks, bswap<u64>(lo), 8);
    encryptBlock(key, ks, ks);
    // counter + 1 within the mask
    const lo1 = lo + 1;
    const hi1 = lo1 == 0 ? hi + 1 : hi;
    lo = (lo & ~mLo) | (lo1 & mLo);
    hi = (hi & ~mHi) | (hi1 & mHi);
    const p = io + i;
    if (len - i >= 16) {
      store<u64>(p, load<u64>(p) ^ load<u64>(ks));
      store<u64>(p, load<u64>(p, 8) ^ load<u64>(ks, 8), 8);
    } else {
      n = len - i;
      for (let j: usize = 0; j < n; j++) store<u8>(p + j, load<u8>(p + j) ^ load<u8>(ks + j));
    }
  }
  store<u64>(reg, bswap<u64>(hi));
  store<u64>(reg, bswap<u64>(lo), 8);
  store<u32>(state + STATE_POS, <u32>n);
}
