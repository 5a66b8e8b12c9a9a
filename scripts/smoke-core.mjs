import fs from 'fs'; import crypto from 'crypto';
const {instance} = await WebAssembly.instantiate(fs.readFileSync('build/aes.wasm'), {});
const e = instance.exports; const m = new Uint8Array(e.memory.buffer);
console.log(Object.keys(e)); const IO = e.IO.value; const hb = e.heapBase(); console.log('heapBase', hb, 'IO', IO);
const slot = (hb + 63) & ~63; const st = slot + 512;
for (const kl of [16,24,32]) {
  const key = crypto.randomBytes(kl); m.set(key, IO); console.log('nr', e.expandKey(slot, IO, kl));
  const data = crypto.randomBytes(4096+7);
  const check = (name, fn, iv, nodeName, dec) => {
    if (iv) { m.set(iv, st); m.fill(0, st+16, st+64); m.fill(0xff, st+32, st+48); }
    const len = data.length - (name.startsWith('ecb')||name.startsWith('cbc') ? 7 : 0);
    m.set(data.subarray(0,len), IO); fn(len);
    const c = dec ? crypto.createDecipheriv(nodeName, key, iv ?? null) : crypto.createCipheriv(nodeName, key, iv ?? null); c.setAutoPadding(false);
    const exp = Buffer.concat([c.update(data.subarray(0,len)), c.final()]);
    console.log(kl, name, Buffer.compare(exp, Buffer.from(m.subarray(IO, IO+len))) === 0 ? 'OK' : 'FAIL');
  };
  const iv = crypto.randomBytes(16); const b = kl*8;
  check('ecbE', l=>e.ecbEncrypt(slot, IO, l), null, `aes-${b}-ecb`);
  check('ecbD', l=>e.ecbDecrypt(slot, IO, l), null, `aes-${b}-ecb`, true);
  check('cbcE', l=>e.cbcEncrypt(slot, st, IO, l), iv, `aes-${b}-cbc`);
  check('cbcD', l=>e.cbcDecrypt(slot, st, IO, l), iv, `aes-${b}-cbc`, true);
  check('cfbE', l=>e.cfbEncrypt(slot, st, IO, l), iv, `aes-${b}-cfb`);
  check('cfbD', l=>e.cfbDecrypt(slot, st, IO, l), iv, `aes-${b}-cfb`, true);
  check('cfb8E', l=>e.cfb8Encrypt(slot, st, IO, l), iv, `aes-${b}-cfb8`);
  check('cfb8D', l=>e.cfb8Decrypt(slot, st, IO, l), iv, `aes-${b}-cfb8`, true);
  check('cfb1E', l=>e.cfb1Encrypt(slot, st, IO, l*8), iv, `aes-${b}-cfb1`);
  check('cfb1D', l=>e.cfb1Decrypt(slot, st, IO, l*8), iv, `aes-${b}-cfb1`, true);
  check('ofb', l=>e.ofb(slot, st, IO, l), iv, `aes-${b}-ofb`);
  check('ctr', l=>e.ctr(slot, st, IO, l), iv, `aes-${b}-ctr`);
  check('ctrwrap', l=>e.ctr(slot, st, IO, l), Buffer.from('ffffffffffffffffffffffffffffffff','hex'), `aes-${b}-ctr`);
}
// speed
const key = crypto.randomBytes(16); m.set(key, IO); e.expandKey(slot, IO, 16); m.fill(0xff, st+32, st+48);
let t=performance.now(); for (let i=0;i<200;i++) e.ctr(slot, st, IO, 65536); let dt=performance.now()-t; console.log('ctr MB/s', 200*65536/dt/1000);
t=performance.now(); for (let i=0;i<200;i++) e.cbcEncrypt(slot, st, IO, 65536); dt=performance.now()-t; console.log('cbcE MB/s', 200*65536/dt/1000);
t=performance.now(); for (let i=0;i<200;i++) e.cbcDecrypt(slot, st, IO, 65536); dt=performance.now()-t; console.log('cbcD MB/s', 200*65536/dt/1000);
