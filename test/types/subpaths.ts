// Type fixture: every subpath export resolves to its types (node10 through typesVersions).
import { subtle, type AesGcmParams } from "aes-wasm/subtle";
import { createPool, canSplit, type PoolOptions } from "aes-wasm/parallel";
import { selfTest } from "aes-wasm/selftest";

const params: AesGcmParams = { name: "AES-GCM", iv: new Uint8Array(12), tagLength: 128 };
void params;
void subtle.importKey;
const options: PoolOptions = { size: 2 };
void createPool;
const splits: boolean = canSplit("aes-128-ctr", "encrypt");
void splits;
void options;
void selfTest;
