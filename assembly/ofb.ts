// OFB (SP 800-38A §6.4), any byte length. The register holds the current output block;
// STATE_POS counts its bytes already used, so a stream can stop and resume mid-block.
import { encryptBlock } from "./block";
import { KEY_ENC, KEY_ROUNDS, STATE_REG, STATE_POS } from "./layout";
import { enc1 } from "./rounds.generated";

export function ofb(key: usize, state: usize, io: usize, len: usize): void {
  const reg = state + STATE_REG;
  let n = <usize>load<u32>(state + STATE_POS);
  let i: usize = 0;
  while (n != 0 && i < len) {
    store<u8>(io + i, load<u8>(io + i) ^ load<u8>(reg + n));
    i++;
    n = (n + 1) & 15;
  }
  // Serial: the output block is the next input. It round-trips through the register.
  const k = key + KEY_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  for (; len - i >= 16; i += 16) {
    enc1(k, nr, 0, load<u32>(reg), load<u32>(reg, 4), load<u32>(reg, 8), load<u32>(reg, 12),
      reg, false, 0);
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
