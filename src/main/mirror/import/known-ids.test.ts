import { describe, expect, it } from 'vitest';
import { type FieldSpec, NO_KEY } from './fields';
import { KnownIdLookup, knownIdLookups, UNKNOWN_ID } from './known-ids';

describe('KnownIdLookup', () => {
  it('answers as the map does before and after it builds its index, for ids found inside a record, with their keys', () => {
    // Keys in no relation to the ids' order (a mirror's keys follow the order users arrived in).
    const ids = new Map(Array.from({ length: 50 }, (_, i) => [`o${i}x`, (i * 37) % 50]));
    const lookup = new KnownIdLookup(ids);
    // 400 questions: the first 50 go to the map, the rest to the index built from it.
    for (let q = 0; q < 400; q++) {
      const id = `o${q % 80}x`; // a third of them unknown
      const record = `t${q},${id},m1`;
      const from = record.indexOf(',') + 1;
      expect(lookup.has(record, from, from + id.length)).toBe(ids.has(id));
      expect(lookup.keyOf(record, from, from + id.length)).toBe(ids.get(id) ?? UNKNOWN_ID);
    }
  });

  it('sees ids added to the map after its index was built (a users file adds the ids it provides as it goes)', () => {
    const ids = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    const lookup = new KnownIdLookup(ids);
    for (let q = 0; q < 10; q++) expect(lookup.has('a', 0, 1)).toBe(true); // index built by now
    expect(lookup.has('c', 0, 1)).toBe(false);
    ids.set('c', NO_KEY);
    expect(lookup.has('c', 0, 1)).toBe(true);
    expect(lookup.keyOf('c', 0, 1)).toBe(NO_KEY);
    for (let q = 0; q < 10; q++) expect(lookup.has('c', 0, 1)).toBe(true);
    expect(lookup.has('d', 0, 1)).toBe(false);
  });

  it('an empty map knows nothing', () => {
    const lookup = new KnownIdLookup(new Map());
    for (let q = 0; q < 3; q++) expect(lookup.has('x', 0, 1)).toBe(false);
  });
});

describe('knownIdLookups', () => {
  it('gives the fields that name one table one lookup, and fields that are no references one that knows nothing', () => {
    const users = new Map([['u1', 1]]);
    const merchants = new Map([['m1', NO_KEY]]);
    const [id, from, to, merchant] = knownIdLookups(
      [
        { name: 'id', kind: 'id' },
        { name: 'from_user', kind: 'ref', table: 'users' },
        { name: 'to_user', kind: 'ref', table: 'users' },
        { name: 'merchant_id', kind: 'ref', table: 'merchants' },
      ] as FieldSpec[],
      { users, merchants },
    );
    expect(from).toBe(to);
    expect(merchant).not.toBe(from);
    expect(from!.has('u1', 0, 2)).toBe(true);
    expect(merchant!.has('u1', 0, 2)).toBe(false);
    expect(merchant!.has('m1', 0, 2)).toBe(true);
    expect(id!.has('u1', 0, 2)).toBe(false);
  });
});
