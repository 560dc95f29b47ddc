/**
 * Near-duplicate text detection with character shingles and MinHash + LSH banding, for "the same greeting sent to
 * many people with small variations". Exact pairwise Jaccard is O(n²) in the greetings of a sender (and hopeless
 * across a city); MinHash turns each text into a fixed 32-number signature and LSH finds candidate pairs through
 * shared band hashes in O(n). `pairwiseClusters` is the exact baseline the bench measures against.
 */

import { normaliseForDisplay } from '../contact-handles/find';

export const SIGNATURE_SIZE = 32;
/** 8 bands × 4 rows: pairs with Jaccard ≈ 0.6 become candidates half the time, ≥ 0.8 almost always. */
const BANDS = 8;
const ROWS = SIGNATURE_SIZE / BANDS;
/** Texts at or above this shingle Jaccard count as near-duplicates (template with a name or emoji changed). */
export const NEAR_DUPLICATE_JACCARD = 0.6;

const PUNCTUATION = /[\s\p{P}\p{S}]+/gu;
/**
 * A random token is what a spam script appends to each copy so that no two are alike (`… 私聊 x7k2qp`, `#482913`):
 * on a short template its bigrams outnumber the shared ones. A run of latin letters and digits holding a digit (a
 * random token, an id, a number) counts as one character here; words and names keep their letters, so "你好 Lily"
 * and "你好 Tom" stay two greetings.
 */
const RUN_WITH_DIGIT = /[a-z0-9_]*\d[a-z0-9_]*/g;
const TOKEN = '0';

/**
 * Character bigrams of the text with spacing, punctuation and case removed (Chinese has no word breaks). The text is
 * first read as the contact-handle recogniser reads it (normaliseForDisplay, in lower case: NFKC, invisible characters, variation
 * selectors and combining marks dropped, look-alike letters and numerals folded): with NFKC alone, zero-width
 * characters sprinkled at random into each copy of a template broke nearly every bigram, and two copies shared a
 * fifth of them.
 */
export function shingles(text: string): Set<number> {
  return displayShingles(normaliseForDisplay(text));
}

/**
 * `shingles` of a text already in the recogniser's display form (normaliseForDisplay): detection reads each greeting
 * in that form once, for its handles and words, and hands the same form here rather than normalising it again.
 */
export function displayShingles(display: string): Set<number> {
  const chars = [...display.toLowerCase().replace(RUN_WITH_DIGIT, TOKEN).replace(PUNCTUATION, '')];
  const out = new Set<number>();
  if (chars.length === 1) out.add(fnv1a(chars[0]!, 0x811c9dc5) >>> 0);
  // The hash of the two characters' code units in a row, without building the two-character string.
  for (let i = 0; i + 1 < chars.length; i++) out.add(fnv1a(chars[i + 1]!, fnv1a(chars[i]!, 0x811c9dc5)) >>> 0);
  return out;
}

/** FNV-1a over the UTF-16 code units of `s`, continuing from `h`. */
function fnv1a(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** Fixed odd multipliers and offsets (a seeded table, so signatures are stable across runs and machines). */
const MULTIPLIERS = new Uint32Array(SIGNATURE_SIZE);
const OFFSETS = new Uint32Array(SIGNATURE_SIZE);
{
  let x = 0x9e3779b9;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    MULTIPLIERS[i] = next() | 1;
    OFFSETS[i] = next();
  }
}

export function minhash(sh: ReadonlySet<number>): Uint32Array {
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const s of sh) {
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      let h = (Math.imul(s ^ OFFSETS[i]!, MULTIPLIERS[i]!) >>> 0) ^ (s >>> 15);
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]!]!;
      x = this.parent[x]!;
    }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[ra] = rb;
  }
  /** Cluster label per item (the root index). */
  labels(): Int32Array {
    return Int32Array.from({ length: this.parent.length }, (_, i) => this.find(i));
  }
}

/**
 * Groups signatures into near-duplicate clusters: LSH candidates (same band hash) are joined when their estimated
 * Jaccard reaches the threshold. Returns a cluster label per input.
 */
export function lshClusters(signatures: readonly Uint32Array[], threshold = NEAR_DUPLICATE_JACCARD): Int32Array {
  const uf = new UnionFind(signatures.length);
  for (let band = 0; band < BANDS; band++) {
    const buckets = new Map<number, number>();
    for (let i = 0; i < signatures.length; i++) {
      const sig = signatures[i]!;
      let key = band * 0x27d4eb2d;
      for (let r = band * ROWS; r < (band + 1) * ROWS; r++) key = Math.imul(key ^ sig[r]!, 0x01000193) >>> 0;
      const first = buckets.get(key);
      if (first === undefined) buckets.set(key, i);
      else if (uf.find(first) !== uf.find(i) && estimatedJaccard(signatures[first]!, sig) >= threshold)
        uf.union(first, i);
    }
  }
  return uf.labels();
}

/** The exact O(n²) baseline: every pair's shingle Jaccard. */
export function pairwiseClusters(sets: readonly ReadonlySet<number>[], threshold = NEAR_DUPLICATE_JACCARD): Int32Array {
  const uf = new UnionFind(sets.length);
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) if (jaccard(sets[i]!, sets[j]!) >= threshold) uf.union(i, j);
  }
  return uf.labels();
}

/** The size of the largest cluster, counting distinct `keys` (e.g. recipients) rather than texts. */
export function largestClusterReach(
  labels: Int32Array,
  keys: readonly (string | number)[],
): { reach: number; label: number } {
  const byLabel = new Map<number, Set<string | number>>();
  labels.forEach((label, i) => {
    let s = byLabel.get(label);
    if (!s) byLabel.set(label, (s = new Set()));
    s.add(keys[i]!);
  });
  let best = { reach: 0, label: -1 };
  for (const [label, s] of byLabel) if (s.size > best.reach) best = { reach: s.size, label };
  return best;
}
