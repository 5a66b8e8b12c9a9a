// A one-line progress bar on stderr: bytes done, rate, time left (when the size is known).
// Shown only when stderr is a terminal and the input is large, unless forced on or off;
// redrawn at most 10 times a second, and erased when the run ends.

/** Inputs at least this large get a progress bar by default. */
export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;
const REDRAW_MS = 100;

export interface Progress {
  /** `n` more input bytes processed. */
  advance(n: number): void;
  /** Erases the bar (success or failure alike). */
  done(): void;
}

const SILENT: Progress = { advance() {}, done() {} };

export interface ProgressOptions {
  /** Input size if known. */
  total: number | null;
  /** true/false force the bar on/off; undefined: terminal and large input. */
  force?: boolean;
  stream?: NodeJS.WriteStream;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  // Own properties only: a `stream` or `now` on a polluted Object.prototype is not picked up.
  const own = <K extends keyof ProgressOptions>(k: K): ProgressOptions[K] | undefined => (Object.hasOwn(options, k) ? options[k] : undefined);
  const total = own("total") ?? null;
  const force = own("force");
  const stream = own("stream") ?? process.stderr;
  const now = own("now") ?? (() => performance.now());
  const show = force ?? (stream.isTTY === true && (total === null || total >= PROGRESS_MIN_BYTES));
  if (!show) return SILENT;
  const start = now();
  let done = 0;
  let lastDraw = -Infinity;
  let drawn = false;
  const draw = (final: boolean) => {
    const t = now();
    if (!final && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    // Unknown size (a pipe): stay quiet until it is clear the input is large, unless forced.
    if (force === undefined && total === null && done < PROGRESS_MIN_BYTES) return;
    stream.write(`\r${formatProgress(done, total, (t - start) / 1000, stream.columns || 80)}\x1b[K`);
    drawn = true;
  };
  return {
    advance(n) {
      done += n;
      draw(false);
    },
    done() {
      if (stream.isTTY) {
        if (drawn) stream.write("\r\x1b[K");
      } else {
        // Forced on a non-terminal (a log file): leave the final figures on a line of their own.
        draw(true);
        stream.write("\n");
      }
    },
  };
}

/** The bar's text: `[#####.....]  42% 1.2 GiB / 3.0 GiB  512 MiB/s  0:04 left` (fits `width`). */
export function formatProgress(done: number, total: number | null, seconds: number, width = 80): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const rateText = `${formatBytes(rate)}/s`;
  if (total === null || total === 0) return `${formatBytes(done)}  ${rateText}`;
  const fraction = Math.min(1, done / total);
  const left = rate > 0 ? (total - done) / rate : NaN;
  const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${formatBytes(done)} / ${formatBytes(total)}  ${rateText}  ${formatDuration(left)} left`;
  const barWidth = Math.max(0, Math.min(30, width - tail.length - 3));
  if (barWidth < 5) return tail.trimStart();
  const filled = Math.round(fraction * barWidth);
  return `[${"#".repeat(filled)}${".".repeat(barWidth - filled)}]${tail}`;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(n)} B` : `${n.toFixed(1)} ${units[u]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "-:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
