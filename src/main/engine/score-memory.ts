import { SCORE_WASM } from './score-wasm';

/**
 * The memory the re-score's WebAssembly kernel (score.wat) works in. WebAssembly reads only its own memory, so the
 * cached pairs (compactPairs) and the scoring shares' arrays (ScoredShare) are typed arrays over one shared
 * WebAssembly.Memory, taken from it in turn: the kernel reads them in place, and since the memory's buffer is a
 * SharedArrayBuffer, the worker threads share them as they shared the plain shared arrays before. Nothing is given
 * back: a memory lives as long as its candidate set (a run's, a what-if cache's).
 *
 * wasm32 addresses 4 GiB: the cache takes 48 bytes a pair with what re-scoring takes, so one holds ~85 M pairs (the
 * province's run caches 27.5 M; 1.3 GB); past that the build stops with an error that says so.
 */
const PAGE = 65_536;
const MAX_PAGES = 65_536;
/** Every array starts on a cache line (the kernel's 16-byte loads of features never straddle one). */
const ALIGN = 64;
/** What to do when a cache will not fit (said by both errors below). */
const WHEN_TOO_LARGE = 'fewer candidates per user (topK) or a smaller pool (docs/SCALING.md: split by city)';

/**
 * The buffers of the arrays a memory made (the memory's buffer: a new object each time it grew), and whose: the main
 * thread checks an array is the memory's before the kernel is given its offset (owns).
 */
const madeBy = new WeakMap<ArrayBufferLike, WebAssembly.Memory>();

export class ScoreMemory {
  readonly memory: WebAssembly.Memory;
  /** Bytes taken so far. */
  private used = 0;
  /** What the memory was made for (the caller's estimate, in whole pages). */
  private readonly madeFor: number;

  /**
   * `bytes`: what the caller expects to take. A shared memory grows in place only, up to the maximum it was made with:
   * a quarter more, for an estimate that fell short.
   */
  constructor(bytes: number) {
    const pages = pagesFor(bytes);
    const maximum = Math.min(MAX_PAGES, pages + (pages >> 2) + 16);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum, shared: true });
    this.madeFor = pages * PAGE;
  }

  int32(length: number): Int32Array {
    const at = this.take(length * 4);
    return this.made(new Int32Array(this.memory.buffer, at, length));
  }
  uint16(length: number): Uint16Array {
    const at = this.take(length * 2);
    return this.made(new Uint16Array(this.memory.buffer, at, length));
  }
  uint8(length: number): Uint8Array {
    const at = this.take(length);
    return this.made(new Uint8Array(this.memory.buffer, at, length));
  }
  float64(length: number): Float64Array {
    const at = this.take(length * 8);
    return this.made(new Float64Array(this.memory.buffer, at, length));
  }

  /**
   * Whether `array` is in this memory (taken from it, or a part of one that was), so that the kernel, given its
   * offset, reads that array and no other.
   */
  owns(array: ArrayBufferView): boolean {
    return madeBy.get(array.buffer) === this.memory;
  }

  private made<T extends ArrayBufferView>(array: T): T {
    madeBy.set(array.buffer, this.memory);
    return array;
  }

  /** Where the next `bytes` go; grows the memory first when needed (so read `memory.buffer` after this). */
  private take(bytes: number): number {
    const at = Math.ceil(this.used / ALIGN) * ALIGN;
    const end = at + Math.max(bytes, 1);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = pagesFor(end);
      try {
        this.memory.grow(pages - have / PAGE);
      } catch {
        throw new Error(
          `the matching cache needs ${gib(end)} of scoring memory; it was made for ${gib(this.madeFor)} and can ` +
            `grow by a quarter, to ${gib(MAX_PAGES * PAGE)} at most (WebAssembly's 32-bit addresses): ${WHEN_TOO_LARGE}`,
        );
      }
    }
    this.used = end;
    return at;
  }
}

function pagesFor(bytes: number): number {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > MAX_PAGES)
    throw new Error(
      `the matching cache needs ${gib(bytes)} of scoring memory, more than the ${gib(MAX_PAGES * PAGE)} ` +
        `WebAssembly's 32-bit addresses reach: ${WHEN_TOO_LARGE}`,
    );
  return pages;
}

function gib(bytes: number): string {
  return bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** The kernel's exports (score.wat); every pointer is a byte offset into the memory it was instantiated with. */
export interface ScoreKernel {
  scoreRows(
    rowStart: number,
    userA: number,
    userB: number,
    sharedPlaces: number,
    features: number,
    level: number,
    best: number,
    pairKey: number,
    counts: number,
    w0: number,
    w1: number,
    w2: number,
    w3: number,
    w4: number,
    w5: number,
    w6: number,
    w7: number,
    rowFirst: number,
    rowEnd: number,
    minScore: number,
    minShared: number,
    bests: number,
  ): number;
  groupBest(
    pairKey: number,
    userA: number,
    userB: number,
    counts: number,
    bucket: number,
    firstPair: number,
    endPair: number,
    cutKey: number,
  ): void;
  collectRest(
    rowStart: number,
    userA: number,
    userB: number,
    pairKey: number,
    matched: number,
    bucket: number,
    rowFirst: number,
    rowEnd: number,
    cutKey: number,
  ): number;
}

let compiled: WebAssembly.Module | null = null;
const kernels = new WeakMap<WebAssembly.Memory, ScoreKernel>();

/**
 * The kernel over `memory`, instantiated once per memory object (a worker receives a new object for the same memory
 * with each message: instantiating a module of a few hundred bytes takes microseconds). Compiled once per thread.
 */
export function scoreKernel(memory: WebAssembly.Memory): ScoreKernel {
  let kernel = kernels.get(memory);
  if (!kernel) {
    compiled ??= new WebAssembly.Module(Buffer.from(SCORE_WASM, 'base64'));
    kernel = new WebAssembly.Instance(compiled, { engine: { memory } }).exports as unknown as ScoreKernel;
    kernels.set(memory, kernel);
  }
  return kernel;
}
