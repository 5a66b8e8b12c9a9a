// The demo page: file encryption with the worker pool and a progress bar, and a small
// benchmark against the browser's own crypto.subtle. Plain ES modules straight from the
// browser bundle (dist/browser): no bundler, no import map.
import { aesKey, backend, ready, bytesToHex, hexToBytes } from "../../dist/browser/index.js";
import { createPool } from "../../dist/browser/parallel.js";

const $ = (id) => document.getElementById(id);
const PIECE = 4 << 20; // the file goes through the pool in 4 MiB pieces, so progress can move

await ready();
$("backend").textContent = backend();
$("isolated").textContent = String(globalThis.crossOriginIsolated === true);
$("key").value = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));

let pool;
try {
  pool = await createPool({ size: Math.min(4, navigator.hardwareConcurrency || 2) });
  $("workers").textContent = `${pool.size} (${pool.transport})`;
} catch (e) {
  $("workers").textContent = `none (${e.message}); running on the page`;
}

/** Counter block `blocks` steps after `iv` (128-bit big-endian, as the pool's aes-256-ctr). */
function counterAt(iv, blocks) {
  let x = BigInt("0x" + bytesToHex(iv)) + BigInt(blocks);
  x &= (1n << 128n) - 1n;
  return hexToBytes(x.toString(16).padStart(32, "0"));
}

async function ctr(key, iv, data, onProgress) {
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length || off === 0; off += PIECE) {
    const piece = data.subarray(off, off + PIECE);
    const counter = counterAt(iv, off / 16);
    out.set(pool ? await pool.encrypt("aes-256-ctr", key, counter, piece) : aesKey(key).ctr(counter).encrypt(piece), off);
    onProgress(Math.min(data.length, off + PIECE) / Math.max(1, data.length));
    if (data.length === 0) break;
  }
  return out;
}

function download(bytes, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function run(encrypting) {
  const file = $("file").files[0];
  if (!file) return;
  const status = $("status");
  for (const b of ["encrypt", "decrypt"]) $(b).disabled = true;
  try {
    const key = hexToBytes($("key").value.trim());
    if (key.length !== 32) throw new Error("the key must be 64 hex digits");
    const input = new Uint8Array(await file.arrayBuffer());
    const started = performance.now();
    const progress = (f) => ($("progress").value = f);
    let result;
    if (encrypting) {
      const iv = crypto.getRandomValues(new Uint8Array(16));
      result = new Uint8Array(16 + input.length);
      result.set(iv);
      result.set(await ctr(key, iv, input, progress), 16);
    } else {
      if (input.length < 16) throw new Error("not an encrypted file (shorter than its 16-byte counter block)");
      result = await ctr(key, input.subarray(0, 16), input.subarray(16), progress);
    }
    const ms = performance.now() - started;
    status.textContent = `${encrypting ? "encrypted" : "decrypted"} ${input.length} bytes in ${ms.toFixed(0)} ms`;
    download(result, encrypting ? `${file.name}.aes` : file.name.replace(/\.aes$/, "") + ".dec");
  } catch (e) {
    status.textContent = `error: ${e.name}: ${e.message}`;
  } finally {
    for (const b of ["encrypt", "decrypt"]) $(b).disabled = false;
  }
}

$("file").addEventListener("change", () => {
  for (const b of ["encrypt", "decrypt"]) $(b).disabled = !$("file").files[0];
});
$("encrypt").addEventListener("click", () => run(true));
$("decrypt").addEventListener("click", () => run(false));

// ---- benchmark: both sides measured in the same run, same sizes, same key and counter ----

async function measure(fn, bytes, budgetMs = 300) {
  await fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    await fn();
    n++;
  }
  return (n * bytes) / ((performance.now() - t0) / 1000) / 1e6; // MB/s
}

function chart(rows) {
  const svg = $("chart");
  const max = Math.max(...rows.map((r) => r.mbps));
  const h = 22;
  svg.setAttribute("height", String(rows.length * (h + 6) + 4));
  svg.innerHTML = rows.map((r, i) => {
    const w = Math.max(2, (r.mbps / max) * 430);
    const y = i * (h + 6) + 2;
    return `<text x="0" y="${y + 15}">${r.label}</text>` +
      `<rect class="bar ${r.peer ? "peer" : ""}" x="210" y="${y}" width="${w}" height="${h}"></rect>` +
      `<text x="${215 + w}" y="${y + 15}">${r.mbps.toFixed(0)} MB/s</text>`;
  }).join("");
}

$("bench").addEventListener("click", async () => {
  const status = $("bench-status");
  $("bench").disabled = true;
  const rows = [];
  try {
    const keyBytes = crypto.getRandomValues(new Uint8Array(16));
    const counter = new Uint8Array(16);
    const key = aesKey(keyBytes);
    const native = crypto.subtle ? await crypto.subtle.importKey("raw", keyBytes, "AES-CTR", false, ["encrypt"]) : null;
    for (const size of [1024, 64 * 1024, 1 << 20]) {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
      status.textContent = `measuring ${size} bytes…`;
      const ours = await measure(async () => key.ctr(counter).encrypt(data), size);
      rows.push({ label: `aes-wasm ${size >= 1 << 20 ? "1 MiB" : size / 1024 + " KiB"}`, mbps: ours });
      if (native) {
        const peer = await measure(() => crypto.subtle.encrypt({ name: "AES-CTR", counter, length: 64 }, native, data), size);
        rows.push({ label: `crypto.subtle ${size >= 1 << 20 ? "1 MiB" : size / 1024 + " KiB"}`, mbps: peer, peer: true });
      }
      chart(rows);
    }
    key.dispose();
    status.textContent = native
      ? "done; ratios: " + rows.filter((_, i) => i % 2 === 0).map((r, i) => (r.mbps / rows[2 * i + 1].mbps).toFixed(2) + "×").join(", ") + " (aes-wasm / crypto.subtle)"
      : "done (crypto.subtle is not available on this page: not a secure context)";
  } catch (e) {
    status.textContent = `error: ${e.message}`;
  } finally {
    $("bench").disabled = false;
  }
});
