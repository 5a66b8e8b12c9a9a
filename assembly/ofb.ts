// OFB (SP 800-38A §6.4), any byte length. The register holds the current output block;
// STATE_POS counts its bytes already used, so a stream can stop and resume mid-block.
import { KEY_VP_ENC, KEY_ROUNDS, STATE_REG, STATE_POS } from "./layout";
import { vpEncrypt } from "./vperm";

export function ofb(key: usize, state: usize, io: usize, len: usize): void {
  const reg = state + STATE_REG;
  let n = <usize>load<u32>(state + STATE_POS);
  let i: usize = 0;
  while (n != 0 && i < len) {
    store<u8>(io + i, load<u8>(io + i) ^ load<u8>(reg + n));
    i++;
    n = (n + 1) & 15;
  }
  // Serial: the output block is the next input, carried in a register.
  const vk = key + KEY_VP_ENC;
  const nr = load<u32>(key + KEY_ROUNDS);
  let r = v128.load(reg);
  for (; len - i >= 16; i += 16) {
    r = vpEncrypt(vk, nr, r);
    const p = io + i;
    v128.store(p, v128.xor(v128.load(p), r));
  }
  if (i < len) {
    r = vpEncrypt(vk, nr, r);
    v128.store(reg, r);
    for (; i < len; i++, n++) store<u8>(io + i, load<u8>(io + i) ^ load<u8>(reg + n));
  } else {
    v128.store(reg, r);
  }
  store<u32>(state + STATE_POS, <u32>n);
}
