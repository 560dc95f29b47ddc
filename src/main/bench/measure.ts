import fs from 'node:fs';

/** Figures for benchmarks: wall time and peak resident memory. */

/**
 * Peak resident memory of the whole process (worker threads included) over a span of work. On Linux it is the
 * kernel's own high-water mark (VmHWM), reset when the span starts, so synchronous work that never yields to a
 * timer — an import, a detection pass — is measured as truly as async work. Elsewhere it falls back to sampling
 * every 20 ms, which can miss the peak of synchronous work (the figure then says `sampled`).
 */
export class PeakRss {
  readonly method: 'kernel' | 'sampled';
  private peak = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout | null = null;
  constructor() {
    this.method = resetHighWaterMark() ? 'kernel' : 'sampled';
    if (this.method === 'sampled') {
      this.timer = setInterval(() => this.sample(), 20);
      this.timer.unref();
    }
  }
  sample(): number {
    const rss = this.method === 'kernel' ? (highWaterMark() ?? process.memoryUsage.rss()) : process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return this.peak;
  }
  get peakBytes(): number {
    return this.sample();
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    return this.sample();
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0). */
function resetHighWaterMark(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return highWaterMark() !== null;
  } catch {
    return false;
  }
}

function highWaterMark(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
