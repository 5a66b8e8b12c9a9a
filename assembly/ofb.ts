// OFB (SP 800-38A §6.4), any byte length. The register holds the current output block;
// STATE_POS counts its bytes already used, so a stream can stop and resume mid-block.
import { encryptBlock } from "./block";
import { STATE_REG, STATE_POS } from "./layout";

export function ofb(key: usize, state: usize, io: usize, len: usize): void {
  const reg = state + STATE_REG;
  let n = <usize>load<u32>(state + STATE_POS);
  let i: usize = 0;
  while (n != 0 && i < len) {
    store<u8>(io + i, load<u8>(io + i) ^ load<u8>(reg + n));
    i++;
    n = (n + 1) & 15;
  }
  for (; len - i >= 16; i += 16) {
    encryptBlock(key, reg, reg);
    const p = io + i;
    store<u64>(p, load<u64>(p) ^ load<u64>(reg));
    store<u64>(p, load<u64>(p, 8) ^ load<u64>(reg, 8), 8);
  }
  if (i < len) {
    encryptBlock(key, reg, reg);
    for (; i < len; i++, n++) store<u8>(io + i, load<u8>(io + i) ^ load<u8>(reg + n));
  }
  store<u32>(state + STATE_POS, <u32>n);
}
