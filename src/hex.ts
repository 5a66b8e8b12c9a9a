// One block in hex, one block out in hex: for checking vectors by hand.
import { hexToBytes, bytesToHex } from "./bytes.js";
import { AesKey } from "./key.js";

function oneBlock(keyHex: string, blockHex: string, encrypt: boolean): string {
  const key = new AesKey(hexToBytes(keyHex));
  try {
    const block = hexToBytes(blockHex);
    return bytesToHex(encrypt ? key.encryptBlock(block) : key.decryptBlock(block));
  } finally {
    key.dispose();
  }
}

export function encryptBlockHex(keyHex: string, blockHex: string): string {
  return oneBlock(keyHex, blockHex, true);
}

export function decryptBlockHex(keyHex: string, blockHex: string): string {
  return oneBlock(keyHex, blockHex, false);
}
