// Type fixture (test/types.test.ts compiles it as a consumer of the built package, under
// several module settings): what must compile, and what must not (`@ts-expect-error` fails
// the compile when the next line has no error).
import { aesKey, createCipheriv, createDecipheriv, getCiphers, AesError, DecryptionError, type AesKey, type CipherName } from "aes-wasm";

const key: AesKey = aesKey(new Uint8Array(32));
const iv = new Uint8Array(16);
const nonce = new Uint8Array(12);
const data = new Uint8Array(40);

// What users write compiles.
key.ctr(iv).encrypt(data);
key.cbc(iv, { padding: "none" }).decryptor().update(data);
key.gcm(nonce, { aad: data, tagLength: 12 }).encrypt(data);
key.gcm(nonce, { tagLength: 4, allowShortTags: true });
key.ocb(nonce, { tagLength: 8 });
key.ccm(nonce, { tagLength: 10 });
key.cmac({ tagLength: 16 }).update(data).digest();
createCipheriv("aes-256-cbc", new Uint8Array(32), iv).update(data);
createCipheriv("AES-256-GCM", new Uint8Array(32), nonce);
createCipheriv("aes128", new Uint8Array(16), iv);
createDecipheriv("id-aes256-GCM", new Uint8Array(32), nonce);
createCipheriv("id-aes128-wrap", new Uint8Array(16), null);
const chosen: CipherName = "aes-128-ctr";
createCipheriv(chosen, new Uint8Array(16), iv);
// A name or a tag length only known at run time is accepted (and checked when the call runs).
const fromConfig: string = getCiphers()[0]!;
createCipheriv(fromConfig, new Uint8Array(16), iv);
const tagFromConfig: number = 16;
key.gcm(nonce, { tagLength: tagFromConfig });

// Typos in cipher names do not compile.
// @ts-expect-error not a cipher
createCipheriv("aes-256-cbcx", new Uint8Array(32), iv);
// @ts-expect-error not a cipher
createDecipheriv("aes-512-gcm", new Uint8Array(32), nonce);
// @ts-expect-error not a cipher
createCipheriv("aes-256-cbc ", new Uint8Array(32), iv);

// Tag lengths are bytes: a length in bits (or any other value) does not compile.
// @ts-expect-error bits, not bytes
key.gcm(nonce, { tagLength: 128 });
// @ts-expect-error GCM has no 10-byte tag
key.gcm(nonce, { tagLength: 10 });
// @ts-expect-error OCB tags are 1..16 bytes
key.ocb(nonce, { tagLength: 17 });
// @ts-expect-error CCM tags are even
key.ccm(nonce, { tagLength: 9 });
// @ts-expect-error CMAC tags are 8..16 bytes
key.cmac({ tagLength: 4 });

// The internals are not part of the public types.
// @ts-expect-error internal
key.slot;
// @ts-expect-error internal
key.core;
// @ts-expect-error internal
key.acquireState({});
// @ts-expect-error internal
key.adoptSlot({}, 0, 0);
// @ts-expect-error internal
key.releaseState(undefined as never);
// @ts-expect-error internal
key.prepareDecryption();
// @ts-expect-error internal
key.ctr(iv).encryptor().oneShot(data);

// Errors are typed.
try {
  key.gcm(nonce).decrypt(data);
} catch (e) {
  if (e instanceof DecryptionError) {
    const code: string = e.code;
    void code;
  } else if (e instanceof AesError) {
    void e.name;
  }
}
key.dispose();
