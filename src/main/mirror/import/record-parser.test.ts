import { describe, expect, it } from 'vitest';
import { csvKeyCellLeniently, jsonKeyFieldLeniently, strayCharacterAt, writtenNumbers } from './record-parser';
import { isIntegerLiteral } from './fields';

/** Reading a key from a record that does not parse: only where it is plain, never a guess. */
describe('jsonKeyFieldLeniently', () => {
  it('reads a member named once, before or after the break', () => {
    expect(jsonKeyFieldLeniently('{"id":"u2","nickname":"a\\qb"}', 'id')).toBe('u2');
    expect(jsonKeyFieldLeniently('{"nickname":NaN, "id" : "u\\u0032"}', 'id')).toBe('u2');
    expect(jsonKeyFieldLeniently('{"user_id":"u1","feature":"meet_similar","granted_at":', 'feature')).toBe(
      'meet_similar',
    );
  });

  it('reads nothing from a value cut off, a name met twice, or the name as text of another value', () => {
    expect(jsonKeyFieldLeniently('{"id":"u2', 'id')).toBeUndefined();
    expect(jsonKeyFieldLeniently('{"id":"u2","id":"u3",}', 'id')).toBeUndefined();
    expect(jsonKeyFieldLeniently('{"nickname":"\\"id\\":\\"u9\\"",}', 'id')).toBeUndefined();
    expect(jsonKeyFieldLeniently('{"nickname":"id","x":1,', 'id')).toBeUndefined();
    expect(jsonKeyFieldLeniently('{"meta":{"x":1,"id":"u9"},', 'id')).toBe('u9'); // nested: refused anyway when whole
    expect(jsonKeyFieldLeniently('{"id":"bad \\x escape"}', 'id')).toBeUndefined();
  });

  it('reads nothing from a name met twice when once it is spelled with an escape', () => {
    expect(jsonKeyFieldLeniently('{"id":"u2x","\\u0069d":"u2",}', 'id')).toBeUndefined();
    expect(jsonKeyFieldLeniently('{"\\u0069d":"u2x", "id":"u2",}', 'id')).toBeUndefined();
    expect(jsonKeyFieldLeniently('{"id":"u2","nick\\u006eame":"x",}', 'id')).toBe('u2');
  });
});

describe('csvKeyCellLeniently', () => {
  it('reads the cells before the first quote, and nothing at or after it', () => {
    const record = 'x1,u1,u2,100,2026-11-01T08:30:00+08:00,"rent\nnext line';
    expect(csvKeyCellLeniently(record, 0)).toBe('x1');
    expect(csvKeyCellLeniently(record, 4)).toBe('2026-11-01T08:30:00+08:00');
    expect(csvKeyCellLeniently(record, 5)).toBeUndefined();
    expect(csvKeyCellLeniently('"x1,u1', 0)).toBeUndefined();
    expect(csvKeyCellLeniently('x1,u1,u2,extra', 0)).toBeUndefined(); // no quote: a comma too many may be anywhere
    expect(csvKeyCellLeniently(record, -1)).toBeUndefined();
  });
});

describe('strayCharacterAt', () => {
  it('finds what JSON has no use for outside a string, and nothing inside one', () => {
    expect(strayCharacterAt('{"a":NaN}')).toBe(5);
    expect(strayCharacterAt("{'a':1}")).toBe(1);
    expect(strayCharacterAt('{"a":"NaN \\" x","b":Infinity}')).toBe(20);
    expect(strayCharacterAt('{"a":null,"b":[true,false,-1.5e3]}')).toBe(-1);
  });
});

describe('isIntegerLiteral and writtenNumbers', () => {
  it('reads a number by its digits: a fraction a double rounds away is still a fraction', () => {
    for (const t of [
      '1400',
      '1400.0',
      '1.4e3',
      '14000e-1',
      '-0',
      '0.0e5',
      '1400.000',
      '0001400',
      '1.5e1',
      '150e-1',
      '-0.0',
      '1e999',
    ])
      expect(isIntegerLiteral(t), t).toBe(true);
    for (const t of [
      '14.5',
      '1400.00000000000001',
      '1400000000000000000001e-18',
      '1e-1',
      '1.',
      'x',
      '',
      '1e',
      '1e+',
      '-',
      '.5',
      '1.55e1',
      '15e-1',
      '1e-999',
      '1400 ',
    ])
      expect(isIntegerLiteral(t), t).toBe(false);
  });

  it('gives the text of each top-level number written with a fraction or exponent, by key', () => {
    const line = '{"memo":"1.5","amount_fen":1400.00000000000001,"n":{"amount_fen":2.5},"a":[3.5],"x":7,"y":1e3}';
    expect([...writtenNumbers(line)]).toEqual([
      ['amount_fen', '1400.00000000000001'],
      ['y', '1e3'],
    ]);
  });
});
