/**
 * A set of 64-bit hashes of row keys, for "same id twice in one file". 5 million ids as a Set<string> cost
 * ~350 MB of heap; two Int32 per slot cost ~64 MB. A hit is only "maybe seen": the importer
 * confirms it against the mirror (the first occurrence has already been written there) before calling it a
 * duplicate, so a hash collision can never refuse a good row.
 */
export class KeyHashSet {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap * 0.75 < expected) cap *= 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the key; returns false when (a key with) its hash was already there. */
  add(key: string): boolean {
    // FNV-1a and a multiplicative hash with different constants: two independent-enough 32-bit halves.
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
    h2 |= 1; // never 0, so an empty slot (0, 0) is unambiguous
    return this.insert(h1, h2);
  }

  private insert(h1: number, h2: number): boolean {
    const slots = this.slots;
    let i = h1 & this.mask;
    for (;;) {
      const a = slots[2 * i + 1]!;
      if (a === 0) break;
      if (a === h2 && slots[2 * i] === h1) return false;
      i = (i + 1) & this.mask;
    }
    slots[2 * i] = h1;
    slots[2 * i + 1] = h2;
    this.count++;
    // Linear probing stays short up to ¾ full; beyond that, double (8 bytes a slot: 5M ids ≈ 64 MiB).
    if (this.count * 4 > (this.mask + 1) * 3) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!);
  }
}
