// Measuring: each case's tasks run together in several rounds (task order rotated every round),
// and a task's figure is the median over rounds of its per-round median latency. On a shared,
// noisy machine this keeps peers measured under the same conditions, so ratios are stable
// even when absolute numbers drift. Outputs are checked before anything is timed.
import { Bench } from "tinybench";

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * tasks: [{ name, fn, expected }] — fn returns (or resolves to) the output bytes.
 * Returns Map name -> { ms: median latency in milliseconds, rounds: [...] }.
 */
export async function measure(tasks, { rounds = 3, time = 100 } = {}) {
  for (const t of tasks) {
    const out = await t.fn();
    if (!equalBytes(out, t.expected)) throw new Error(`${t.name}: output differs from node:crypto; not timing it`);
  }
  const samples = new Map(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time, warmupTime: Math.min(50, time / 2), iterations: 2 });
    const order = tasks.map((_, i) => tasks[(i + r) % tasks.length]);
    for (const t of order) bench.add(t.name, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result.state !== "completed") throw new Error(`${task.name}: ${task.result.state} ${task.result.error ?? ""}`);
      samples.get(task.name).push(task.result.latency.p50);
    }
  }
  const result = new Map();
  for (const [name, ms] of samples) result.set(name, { ms: median(ms), rounds: ms });
  return result;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** MB/s (10^6 bytes per second) for `bytes` processed in `ms` milliseconds. */
export const mbps = (bytes, ms) => bytes / (ms * 1000);

export function sizeLabel(n) {
  if (n >= 1 << 20) return `${n >> 20} MiB`;
  if (n >= 1024) return `${n >> 10} KiB`;
  return `${n} B`;
}

export function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536) crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  return out;
}
