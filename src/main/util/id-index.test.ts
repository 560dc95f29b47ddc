import { describe, expect, it } from 'vitest';
import { IdIndex, SLOT_CHARS } from './id-index';
import { merchantIds, userIds } from '../mirror/generator/ids';
import { Rng } from '../mirror/generator/random';

/** Every id found at its position, as a Map over the same list answers, from the id alone and from inside a text. */
function expectSameAsMap(ids: readonly string[]): void {
  const index = new IdIndex(ids);
  const map = new Map(ids.map((id, i) => [id, i]));
  expect(index.size).toBe(ids.length);
  for (const [id, i] of map) {
    expect(index.get(id)).toBe(i);
    const text = `x\x1f${id}\x1fy`;
    expect(index.find(text, 2, 2 + id.length)).toBe(i);
  }
}

describe('IdIndex', () => {
  it('finds every id of a realistic mirror (open ids, account numbers, merchant ids with leading zeros)', () => {
    const rng = new Rng(11);
    expectSameAsMap(userIds(20_000, rng));
    expectSameAsMap(merchantIds(5_000, rng));
  });

  it('finds ids that do not fit a slot: long ones, non-Latin-1 ones, the empty one', () => {
    const ids = ['a'.repeat(SLOT_CHARS), 'a'.repeat(SLOT_CHARS + 1), 'b'.repeat(200), '用户一', 'é', '😀x', '', 'a'];
    expectSameAsMap(ids);
  });

  it('answers −1 / undefined for ids it does not hold, including prefixes, extensions and near misses', () => {
    const ids = ['o123', 'o1234', 'x'.repeat(SLOT_CHARS + 3), '名字'];
    const index = new IdIndex(ids);
    for (const absent of ['o12', 'o12345', 'O123', 'o124', '', 'x'.repeat(SLOT_CHARS + 2), '名', '名字字']) {
      expect(index.get(absent)).toBeUndefined();
      expect(index.find(`[${absent}]`, 1, 1 + absent.length)).toBe(-1);
    }
  });

  it('stays exact when many ids share a slot (a tiny table probing past full runs)', () => {
    // 5,000 short ids differing in one or two characters: their hashes land anywhere, and the probe sequences
    // run into each other; every id must still come back at its own position, and none that is absent.
    const ids = Array.from({ length: 5_000 }, (_, i) => `u${i.toString(36)}`);
    expectSameAsMap(ids);
    const index = new IdIndex(ids);
    for (let i = 5_000; i < 6_000; i++) expect(index.get(`u${i.toString(36)}`)).toBeUndefined();
  });

  it('refuses an id given twice, in a slot or beside the slots', () => {
    expect(() => new IdIndex(['a', 'b', 'a'])).toThrow(/"a" is given twice/);
    const long = 'z'.repeat(SLOT_CHARS + 1);
    expect(() => new IdIndex([long, 'b', long])).toThrow(/given twice/);
  });

  it('answers the value given with each id, in a slot or beside the slots, and `absent` for any other', () => {
    const rng = new Rng(5);
    const ids = [...userIds(3_000, rng), 'a'.repeat(SLOT_CHARS + 1), '用户一', ''];
    // Keys as the mirror gives them (any integer, some far above 2^32), and the fields' NO_KEY (−1).
    const values = Float64Array.from(ids, (_, i) => (i % 7 === 0 ? -1 : 2 ** 40 + i * 3));
    const index = new IdIndex(ids, values);
    ids.forEach((id, i) => {
      expect(index.valueOf(`<${id}>`, 1, 1 + id.length, -2)).toBe(values[i]);
      expect(index.find(id, 0, id.length)).toBe(i);
    });
    for (const absent of ['x', 'a'.repeat(SLOT_CHARS + 2), '用户'])
      expect(index.valueOf(absent, 0, absent.length, -2)).toBe(-2);
    // Without values, an id's value is its index.
    expect(new IdIndex(['p', 'q']).valueOf('q', 0, 1, -1)).toBe(1);
    expect(() => new IdIndex(['p', 'q'], [1])).toThrow(/2 ids but 1 values/);
  });

  it('holds nothing when given nothing', () => {
    const index = new IdIndex([]);
    expect(index.size).toBe(0);
    expect(index.get('a')).toBeUndefined();
  });
});
