/**
 * The keys one export file holds, kept as 64-bit hashes plus the byte offset of the record each came from, so
 * that every question about them gets an EXACT answer at a few bytes per row: where two keys share a hash, the
 * records are read again at their offsets and their real keys compared. 5 million keys as a Set<string> would
 * cost ~350 MB of heap; here they cost 16 bytes a slot (~128 MiB at 5 million rows, ¾ full at most).
 *
 * It answers two questions:
 * - "is this key already in the file?" while importing (a key twice in one file is a duplicate), and
 * - "does the file hold this mirror row's key?" after a snapshot's file (a row it lacks was deleted upstream).
 *
 * A key is remembered with how its record fared: accepted, or quarantined with a readable key (a snapshot keeps
 * the mirror's previous version of such a row, DATA-FORMAT.md). Only an accepted earlier occurrence makes a later
 * row a duplicate; a good row after a bad one of the same key is the row that counts.
 */
export type KeyHash = (key: string, out: Int32Array) => void;

/** FNV-1a and a multiplicative hash with different constants: two independent-enough 32-bit halves. */
export const defaultKeyHash: KeyHash = (key, out) => {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  out[0] = h1;
  out[1] = h2 | 1; // never 0, so an empty slot is unambiguous
};

/** Reads the key of the record that starts at a byte offset of the file (null when it has none any more). */
export type KeyAt = (offset: number) => string | null;

export type AddOutcome = 'new' | 'duplicate' | 'replaces_quarantined';

export class FileKeySet {
  private hashes: Int32Array;
  /** Per slot: offset + 1 of its first key's record, negative when that record was quarantined; 0 = empty. */
  private offsets: Float64Array;
  /** Further distinct keys that share a slot's hash (rare: a 64-bit collision). Same encoding as `offsets`. */
  private readonly more = new Map<number, number[]>();
  /** After a snapshot: how many mirror rows each slot has vouched for (saturates at 255). */
  private claims: Uint8Array | null = null;
  private mask: number;
  private count = 0;
  private readonly h = new Int32Array(2);

  constructor(
    expected: number,
    private readonly keyAt: KeyAt,
    private readonly hash: KeyHash = defaultKeyHash,
  ) {
    let cap = 1024;
    while (cap * 0.75 < expected) cap *= 2;
    this.hashes = new Int32Array(cap * 2);
    this.offsets = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Distinct keys held. */
  get size(): number {
    return this.count;
  }

  /** The slot holding this hash, or the empty slot where it would go. */
  private slotOf(h1: number, h2: number): number {
    const hashes = this.hashes;
    let i = h1 & this.mask;
    for (;;) {
      const b = hashes[2 * i + 1]!;
      if (b === 0 || (b === h2 && hashes[2 * i] === h1)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** The entries of a slot (encoded offsets): its first key and any that collided with it. */
  private entries(slot: number): number[] {
    const first = this.offsets[slot]!;
    const rest = this.more.get(slot);
    return rest ? [first, ...rest] : [first];
  }

  private setEntry(slot: number, index: number, encoded: number): void {
    if (index === 0) this.offsets[slot] = encoded;
    else this.more.get(slot)![index - 1] = encoded;
  }

  /** Index of the slot's entry whose record has exactly this key, or -1. */
  private findEntry(slot: number, key: string): number {
    const list = this.entries(slot);
    for (let e = 0; e < list.length; e++) if (this.keyAt(Math.abs(list[e]!) - 1) === key) return e;
    return -1;
  }

  /**
   * Remembers `key` from the record at `offset`. An accepted record whose key an earlier accepted one already
   * had is a `duplicate` (nothing remembered); otherwise the key is `new`, or `replaces_quarantined` when only a
   * quarantined record had it before.
   */
  add(key: string, offset: number, accepted: boolean): AddOutcome {
    this.hash(key, this.h);
    const h1 = this.h[0]!;
    const h2 = this.h[1]!;
    const slot = this.slotOf(h1, h2);
    const encoded = accepted ? offset + 1 : -(offset + 1);
    if (this.hashes[2 * slot + 1] === 0) {
      this.hashes[2 * slot] = h1;
      this.hashes[2 * slot + 1] = h2;
      this.offsets[slot] = encoded;
      this.count++;
      if (this.count * 4 > (this.mask + 1) * 3) this.grow();
      return 'new';
    }
    const e = this.findEntry(slot, key);
    if (e < 0) {
      // A different key with the same 64-bit hash: both are kept, told apart by reading their records.
      const rest = this.more.get(slot);
      if (rest) rest.push(encoded);
      else this.more.set(slot, [encoded]);
      this.count++;
      return 'new';
    }
    const earlier = this.entries(slot)[e]!;
    if (earlier > 0) return accepted ? 'duplicate' : 'new';
    if (!accepted) return 'new';
    this.setEntry(slot, e, encoded);
    return 'replaces_quarantined';
  }

  private grow(): void {
    const oldHashes = this.hashes;
    const oldOffsets = this.offsets;
    const oldMore = new Map(this.more);
    const cap = oldOffsets.length * 2;
    this.hashes = new Int32Array(cap * 2);
    this.offsets = new Float64Array(cap);
    this.mask = cap - 1;
    this.more.clear();
    for (let i = 0; i < oldOffsets.length; i++) {
      const b = oldHashes[2 * i + 1]!;
      if (b === 0) continue;
      const slot = this.slotOf(oldHashes[2 * i]!, b);
      this.hashes[2 * slot] = oldHashes[2 * i]!;
      this.hashes[2 * slot + 1] = b;
      this.offsets[slot] = oldOffsets[i]!;
      const rest = oldMore.get(i);
      if (rest) this.more.set(slot, rest);
    }
  }

  /** True when the slot holds a key whose record was quarantined (it may or may not be in the mirror). */
  private holdsQuarantined(slot: number): boolean {
    if (this.offsets[slot]! < 0) return true;
    const rest = this.more.get(slot);
    return rest !== undefined && rest.some((e) => e < 0);
  }

  /** Keys in a slot whose records were accepted: each of them is in the mirror once the file is written. */
  private acceptedIn(slot: number): number {
    return (this.offsets[slot]! > 0 ? 1 : 0) + (this.more.get(slot)?.filter((e) => e > 0).length ?? 0);
  }

  /**
   * Snapshot check, pass 1, for every mirror row's key once the file is written: false when the file lacks it
   * (the row was deleted upstream). Every accepted key is in the mirror by then, so a slot claimed by no more
   * mirror rows than it has accepted keys holds exactly those rows; a slot with a quarantined key is rare and
   * answered by reading its records. Only a slot claimed by more rows than that (a 64-bit collision between a
   * kept and a deleted key) is left for `ambiguous()` and pass 2.
   */
  vouches(key: string): boolean {
    this.hash(key, this.h);
    const slot = this.slotOf(this.h[0]!, this.h[1]!);
    if (this.hashes[2 * slot + 1] === 0) return false;
    if (this.holdsQuarantined(slot)) return this.findEntry(slot, key) >= 0;
    this.claims ??= new Uint8Array(this.offsets.length);
    if (this.claims[slot]! < 255) this.claims[slot]!++;
    return true;
  }

  /** True when pass 1 left a slot claimed by more mirror rows than the file has keys with that hash. */
  ambiguous(): boolean {
    if (!this.claims) return false;
    for (let i = 0; i < this.claims.length; i++) {
      if (this.claims[i]! > 1 + (this.more.get(i)?.length ?? 0)) return true;
    }
    return false;
  }

  /** Pass 2, only when `ambiguous()`: the exact answer for a mirror row's key. */
  holdsExactly(key: string): boolean {
    this.hash(key, this.h);
    const slot = this.slotOf(this.h[0]!, this.h[1]!);
    if (this.hashes[2 * slot + 1] === 0) return false;
    if (!this.holdsQuarantined(slot) && this.claims![slot]! <= this.acceptedIn(slot)) return true;
    return this.findEntry(slot, key) >= 0;
  }
}
