import { describe, expect, it } from 'vitest';
import { defaultKeyHash, FileKeySet, type KeyHash } from './key-set';

/** Keys of "records" by offset, as the importer would read them again from the file. */
function fileOf(keys: readonly string[]) {
  return { keyAt: (offset: number) => keys[offset] ?? null };
}

/** A hash with 4 values: nearly every key collides with others, so only exact re-reads can tell them apart. */
const weakHash: KeyHash = (key, out) => {
  out[0] = key.length % 2;
  out[1] = 1 + (key.charCodeAt(key.length - 1) % 2);
};

describe('FileKeySet', () => {
  it.each([
    ['the default hash', defaultKeyHash],
    ['a hash where keys collide all the time', weakHash],
  ])('finds every repeated key among many and no false repeat among distinct ones (%s)', (_name, hash) => {
    const n = hash === weakHash ? 2_000 : 500_000;
    const keys = Array.from({ length: n }, (_, i) => `t${i}`);
    const set = new FileKeySet(16, fileOf(keys).keyAt, hash);
    const outcomes = new Map<string, number>();
    const tally = (o: string) => outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    keys.forEach((k, i) => tally(set.add(k, i, true)));
    expect(set.size).toBe(n);
    for (let i = 0; i < n; i += 97) tally(set.add(keys[i]!, i, true));
    expect(Object.fromEntries(outcomes)).toEqual({ new: n, duplicate: Math.ceil(n / 97) });
  });

  it('a good row after a quarantined one of the same key is not a duplicate; after a good one it is', () => {
    const keys = ['a', 'a', 'a', 'b', 'b'];
    const set = new FileKeySet(4, fileOf(keys).keyAt, weakHash);
    expect(set.add('a', 0, false)).toBe('new');
    expect(set.add('a', 1, true)).toBe('replaces_quarantined');
    expect(set.add('a', 2, true)).toBe('duplicate');
    expect(set.add('b', 3, true)).toBe('new');
    expect(set.add('b', 4, false)).toBe('new');
  });

  it.each([
    ['the default hash', defaultKeyHash],
    ['a hash where keys collide all the time', weakHash],
  ])('after a snapshot, holds exactly the file keys, quarantined ones included (%s)', (_name, hash) => {
    const fileKeys = Array.from({ length: 300 }, (_, i) => `k${i * 2}`);
    const set = new FileKeySet(8, fileOf(fileKeys).keyAt, hash);
    fileKeys.forEach((k, i) => set.add(k, i, i % 10 !== 3));
    // The mirror: every accepted key (written), half the quarantined ones (kept from before), and rows the file
    // lacks (odd numbers), in an order unrelated to the file's.
    const mirror = [
      ...fileKeys.filter((_, i) => i % 10 !== 3 || i % 20 === 3),
      ...Array.from({ length: 300 }, (_, i) => `k${i * 2 + 1}`),
    ].reverse();
    const inFile = new Set(fileKeys);
    const pass1 = mirror.filter((k) => set.vouches(k));
    const kept = set.ambiguous() ? pass1.filter((k) => set.holdsExactly(k)) : pass1;
    expect(kept.sort()).toEqual(mirror.filter((k) => inFile.has(k)).sort());
  });

  it('when more mirror rows claim a hash than the file has keys for it, pass 2 tells them apart exactly', () => {
    const fileKeys = ['ab', 'cd', 'xy'];
    const set = new FileKeySet(8, fileOf(fileKeys).keyAt, weakHash);
    fileKeys.forEach((k, i) => set.add(k, i, true));
    // 'ef' and 'zz' share hashes with file keys but are not in the file.
    const mirror = ['ef', 'ab', 'cd', 'zz', 'xy'];
    const pass1 = mirror.filter((k) => set.vouches(k));
    expect(set.ambiguous()).toBe(true);
    expect(pass1.filter((k) => set.holdsExactly(k))).toEqual(['ab', 'cd', 'xy']);
  });
});
