// The bitsliced kernels take whole groups of 8 blocks (128 bytes); a tail runs as one more padded
// group or block by block through the vperm kernel, depending on its length (4+ blocks after
// whole groups, 6+ in a shorter message: assembly/layout.ts tailBitsliced). Every tail length
// 1..7 blocks (and CTR's partial bytes) after 0, 1 and 2 groups, and lengths on both sides of
// the IO window, against node:crypto,
// for the modes that use them (ECB both ways, CBC and CFB decryption, CTR with a 128-bit and a
// 32-bit counter wrapping inside a group). Runs on both backends so the reference is held to it too.
import { createCipheriv as nodeCipher, createDecipheriv as nodeDecipher } from "node:crypto";
import { expect, it } from "vitest";
import { aesKey } from "../src/index.js";
import { describeEachBackend } from "./helpers/backends.js";
import { randomBytes, rng } from "./helpers/random.js";
import { expectBytes } from "./helpers/bytes.js";

const TAILS = [0, 1, 2].flatMap((groups) => [1, 2, 3, 4, 5, 6, 7].map((blocks) => 128 * groups + 16 * blocks));
const LENGTHS = [...TAILS, 128, 256, 1024 + 16, 65536 - 16, 65536, 65536 + 128 + 16, 3 * 65536 + 112];

function node(name: string, encrypt: boolean, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  const c = encrypt ? nodeCipher(name, key, iv) : nodeDecipher(name, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** CTR with only the low 32 bits of the counter advancing (WebCrypto's length 32), from node's ECB of the counter blocks. */
function ctr32(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const blocks = Math.ceil(data.length / 16);
  const counters = new Uint8Array(blocks * 16);
  const view = new DataView(iv.buffer, iv.byteOffset, 16);
  const low = view.getUint32(12);
  for (let b = 0; b < blocks; b++) {
    counters.set(iv.subarray(0, 12), b * 16);
    new DataView(counters.buffer).setUint32(b * 16 + 12, (low + b) >>> 0);
  }
  const ks = node(`aes-${key.length * 8}-ecb`, true, key, null, counters);
  return data.map((x, i) => x ^ ks[i]);
}

describeEachBackend("bitsliced groups of 8 blocks and their tails", (backend) => {
  const lengths = backend === "js" ? LENGTHS.filter((n) => n < 4096) : LENGTHS;
  for (const bits of [128, 192, 256]) {
    it(`AES-${bits}: ECB both ways, CBC and CFB decryption, CTR (128- and 32-bit counters) at ${lengths.length} lengths`, () => {
      const next = rng(bits + (backend === "js" ? 1 : 0));
      for (const len of lengths) {
        const keyBytes = randomBytes(next, bits / 8);
        const iv = randomBytes(next, 16);
        const data = randomBytes(next, len);
        const key = aesKey(keyBytes);
        const ecb = key.ecb({ padding: "none" });
        expectBytes(ecb.encrypt(data), node(`aes-${bits}-ecb`, true, keyBytes, null, data), `ecb enc ${len}`);
        expectBytes(ecb.decrypt(data), node(`aes-${bits}-ecb`, false, keyBytes, null, data), `ecb dec ${len}`);
        expectBytes(key.cbc(iv, { padding: "none" }).decrypt(data), node(`aes-${bits}-cbc`, false, keyBytes, iv, data), `cbc dec ${len}`);
        // in place, as the streams run it
        const inPlace = data.slice();
        key.cbc(iv, { padding: "none" }).decrypt(inPlace, inPlace);
        expectBytes(inPlace, node(`aes-${bits}-cbc`, false, keyBytes, iv, data), `cbc dec in place ${len}`);
        const cfbWant = node(`aes-${bits}-cfb`, false, keyBytes, iv, data);
        expectBytes(key.cfb(iv).decrypt(data), cfbWant, `cfb dec ${len}`);
        const cfbStream = key.cfb(iv).decryptor(); // mid-block first, then whole groups
        const head = cfbStream.update(data.subarray(0, 5));
        expectBytes(new Uint8Array([...head, ...cfbStream.update(data.subarray(5))]), cfbWant, `cfb dec split ${len}`);
        cfbStream.final();
        const wrapIv = iv.slice();
        wrapIv.fill(0xff, 8); // the 128-bit counter carries into byte 7 within the first group
        wrapIv[15] = 0xfb;
        expectBytes(key.ctr(wrapIv).encrypt(data), node(`aes-${bits}-ctr`, true, keyBytes, wrapIv, data), `ctr ${len}`);
        // a partial last block: its keystream (from a bitsliced or a vperm tail) carries into the next update
        const ctrWant = node(`aes-${bits}-ctr`, true, keyBytes, iv, data);
        const ctrStream = key.ctr(iv).encryptor();
        const first = ctrStream.update(data.subarray(0, len - 7));
        expectBytes(new Uint8Array([...first, ...ctrStream.update(data.subarray(len - 7))]), ctrWant, `ctr partial tail ${len}`);
        ctrStream.final();
        const low32 = iv.slice();
        low32.fill(0xff, 12);
        low32[15] = 0xfd; // the low 32 bits wrap to 0 in the first group; bytes 0..11 never change
        expect(key.ctr(low32, { counterBits: 32 }).encrypt(data)).toEqual(ctr32(keyBytes, low32, data));
        key.dispose();
      }
    });
  }
});
