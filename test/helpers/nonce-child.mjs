// A separate Node process drawing nonces from a FileNonceStore, for the multi-process tests.
// Plain .mjs importing the built dist/ (Node 20 cannot run the .ts sources): `npm run build` first.
//
// node nonce-child.mjs <storePath> <count> <reserve> <clockMs|real> <each|batch>
//   each:  print every nonce N (decimal) on its own line as soon as next() returns
//   batch: print "ready", wait for a line on stdin, draw all, print them as one JSON array
import { NonceSource } from "../../dist/nonce/source.js";
import { FileNonceStore } from "../../dist/nonce/file-store.js";

const [storePath, countText, reserveText, clock, output] = process.argv.slice(2);
const count = Number(countText);
const fixed = clock === "real" ? null : Number(clock);
const source = new NonceSource({
  store: new FileNonceStore(storePath),
  reserve: Number(reserveText),
  now: fixed === null ? Date.now : () => fixed, // a stopped clock: only the store keeps N unique
});

const nonceOf = (block) => block.subarray(0, 6).reduce((n, b) => n * 256 + b, 0);

if (output === "each") {
  for (let i = 0; i < count; i++) process.stdout.write(`${nonceOf(await source.next())}\n`);
} else {
  process.stdout.write("ready\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.pause();
  const drawn = [];
  for (let i = 0; i < count; i++) drawn.push(nonceOf(await source.next()));
  process.stdout.write(JSON.stringify(drawn) + "\n");
}
