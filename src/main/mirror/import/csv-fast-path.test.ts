import { describe, expect, it } from 'vitest';
import { parseCsvRecord } from './csv';
import { compileCsvFastPath } from './csv-fast-path';
import { convertField, parseIsoTime, parseIsoTimeAt, parsedTime, type KnownIds, NO_KEY, type SqlValue } from './fields';
import { RowProblem } from './row-problem';
import { TABLES } from './tables';

const spec = (name: string) => TABLES.find((t) => t.name === name)!;
// Users with their keys (a transaction's payer is written as its key: tables.ts); merchants are not keyed.
const knownIds: KnownIds = {
  users: new Map([
    ['u1', 11],
    ['u2', 12],
    ['007', 7],
  ]),
  merchants: new Map([
    ['m1', NO_KEY],
    ['m2', NO_KEY],
  ]),
};

/** What the general path makes of a record: its column values, or the reason it refuses it. */
function general(name: string, record: string): SqlValue[] | string {
  const fields = spec(name).fields;
  const out: SqlValue[] = [];
  try {
    const cells = parseCsvRecord(record);
    if (cells.length !== fields.length) return 'bad_csv';
    fields.forEach((f, i) => convertField(f, cells[i], 'csv', knownIds, out));
    return out;
  } catch (err) {
    if (err instanceof RowProblem) return err.reason;
    throw err;
  }
}

/** The fast path of a transfers file whose header is exactly its fields. */
const transfersFastPath = () => {
  const fields = spec('transfers').fields;
  return compileCsvFastPath(
    fields,
    fields.map((f) => f.name),
    knownIds,
  )!;
};

describe('compileCsvFastPath', () => {
  const transactions = spec('transactions');
  const header = transactions.fields.map((f) => f.name);

  it('accepts only rows the general path accepts, with exactly the same values', () => {
    const fast = compileCsvFastPath(transactions.fields, header, knownIds)!;
    expect(fast).not.toBeNull();
    const rows = [
      't1,u1,m1,1500,2026-11-24T08:30:00+08:00',
      't2,u1,m2,1,2026-11-24T23:59:59+08:00', // same user again: the reused-reference branch
      't3,u2,m1,007,2026-02-28T00:00:00-05:30',
      't4,007,m1,999999999999999,2024-02-29T12:00:00Z',
      't5,u1,m1,1500,2026-11-24T08:30:00.250+08:00',
      't6,u1x,m1,1500,2026-11-24T08:30:00+08:00', // unknown user sharing a prefix with the previous one
      't7,u3,m1,1500,2026-11-24T08:30:00+08:00', // unknown user
      't8,u1,m9,1500,2026-11-24T08:30:00+08:00', // unknown merchant
      't9,u1,m1,0,2026-11-24T08:30:00+08:00', // amount out of range
      't10,u1,m1,-5,2026-11-24T08:30:00+08:00',
      't11,u1,m1,12a,2026-11-24T08:30:00+08:00',
      't12,u1,m1,1234567890123456,2026-11-24T08:30:00+08:00', // 16 digits: the general path decides
      't13,u1,m1,1500,2025-02-29T08:30:00+08:00', // no such day
      't14,u1,m1,1500,2026-11-24T08:30:00', // no offset
      't15,u1,m1,1500,2026-11-24T24:00:00+08:00',
      't16,u1,m1,1500,2026-11-24T08:30:00+08:00,extra',
      't17,u1,m1,1500',
      ',u1,m1,1500,2026-11-24T08:30:00+08:00', // empty id is null
      '"t18",u1,m1,1500,2026-11-24T08:30:00+08:00', // quoted: the general path
      `${'x'.repeat(65)},u1,m1,1500,2026-11-24T08:30:00+08:00`,
      't19,u1,m1,1500,2026-11-24t08:30:00z',
      't20,u2,m1,1500,2026-11-24T08:30:00+08:00',
    ];
    for (const row of rows) {
      const out: SqlValue[] = [];
      const expected = general('transactions', row);
      if (fast(row, out)) expect(out, row).toEqual(expected);
      else
        expect(typeof expected === 'string' || row.includes('"') || row.includes('1234567890123456'), row).toBe(true);
    }
    // The plain well-formed rows must take the fast path.
    for (const row of [rows[0]!, rows[1]!, rows[2]!, rows[3]!, rows[4]!, rows[21]!])
      expect(fast(row, []), row).toBe(true);
  });

  it('handles nullable and length-limited text cells like the general path (transfers memo)', () => {
    const fast = transfersFastPath();
    const at = 'u1,u2,100,2026-11-24T08:30:00+08:00';
    // Rows the general path accepts and the fast path must take too: plain and quoted memos (a province's transfers
    // hold millions of `""` and `"AA, 聚餐"`).
    for (const row of [
      `x1,${at},谢谢！`,
      `x4,${at},""`,
      `x5,${at},"AA, 聚餐"`,
      `x6,${at},"line one\nline two"`,
      `x8,${at},"""老地方""的饭钱"`,
    ]) {
      const out: SqlValue[] = [];
      expect(fast(row, out), row).toBe(true);
      expect(out, row).toEqual(general('transfers', row));
    }
    expect((general('transfers', `x4,${at},""`) as SqlValue[]).at(-1)).toBe(''); // quoted empty: '', not null
    for (const row of [
      `x2,${at},${'m'.repeat(201)}`,
      `x3,${at},`, // unquoted empty: null, refused
      `x7,${at},"${'m'.repeat(201)}"`,
      `x8,${at},"say ""hi"""`,
      `x16,${at},"${'m'.repeat(199)}"""`, // 201 characters once its doubled quote is read
      `x9,${at},"unclosed`,
      `x10,${at},"a"b`,
      `x11,${at},"a",`,
      `x12,${at},a"b`,
      `"x13",${at},memo`, // a quoted id: the general path's
      `x14,u1,u2,"100",2026-11-24T08:30:00+08:00,memo`,
      `x15,u1,u2,100,2026-11-24T08:30:00+08:00`,
    ]) {
      const out: SqlValue[] = [];
      const expected = general('transfers', row);
      if (fast(row, out)) expect(out, row).toEqual(expected);
      else expect(typeof expected === 'string' || /"x13"|"100"/.test(row), row).toBe(true);
    }
  });

  it('never accepts a transfers record the general path reads otherwise (records built from awkward pieces)', () => {
    const fast = transfersFastPath();
    // Each cell drawn from plain, quoted, empty and broken forms by a small generator with a fixed seed, so a failure
    // names its record and repeats.
    const cells = [
      ['x1', '"x1"', '', 'x"1'],
      ['u1', 'u9', '"u1"', ''],
      ['u2', '007', ''],
      ['100', '0', '"100"', '1e3'],
      ['2026-11-24T08:30:00+08:00', '"2026-11-24T08:30:00+08:00"', '2026-13-01T00:00:00Z'],
      ['memo', '""', '"a,b"', '"a""b"', '"', 'a"', '"a"b', '', '"多,字"', '"x', '""""'],
    ];
    let seed = 7;
    const pick = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let accepted = 0;
    for (let r = 0; r < 4000; r++) {
      const parts = cells.map((c) => c[pick(c.length)]!);
      if (pick(10) === 0) parts.push('extra'); // a cell too many now and then
      const row = parts.join(',');
      const out: SqlValue[] = [];
      if (!fast(row, out)) continue;
      accepted++;
      expect(out, row).toEqual(general('transfers', row));
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('declines files whose header is not exactly the fields in order', () => {
    const fields = spec('transactions').fields;
    expect(compileCsvFastPath(fields, ['user_id', 'id', 'merchant_id', 'amount_fen', 'paid_at'], knownIds)).toBeNull();
    expect(compileCsvFastPath(fields, ['id', 'user_id', 'merchant_id', 'amount_fen'], knownIds)).toBeNull();
    expect(
      compileCsvFastPath(
        spec('users').fields,
        spec('users').fields.map((f) => f.name),
        knownIds,
      ),
    ).toBeNull(); // enums, bools
  });
});

describe('parseIsoTimeAt', () => {
  it('reads a time inside a longer text without looking past its end, across day changes', () => {
    const record = 'a,2026-11-24T08:30:00+08:00,2026-11-25T08:30:00+08:00Z';
    expect(parseIsoTimeAt(record, 2, 27)).toBe(true);
    expect(parsedTime.seconds).toBe(Date.parse('2026-11-24T08:30:00+08:00') / 1000);
    expect(parsedTime.offsetMinutes).toBe(480);
    expect(parseIsoTimeAt(record, 28, 53)).toBe(true);
    expect(parsedTime.seconds).toBe(Date.parse('2026-11-25T08:30:00+08:00') / 1000);
    // The cut-off time ends at 'Z' only if the Z is inside the range.
    expect(parseIsoTimeAt(record, 28, 52)).toBe(false);
    // A cached day must not make an impossible day valid, nor a valid one stale.
    expect(parseIsoTime('2025-02-28T00:00:00Z')?.[0]).toBe(Date.parse('2025-02-28T00:00:00Z') / 1000);
    expect(parseIsoTime('2025-02-29T00:00:00Z')).toBeUndefined();
    expect(parseIsoTime('2025-02-28T10:00:00Z')?.[0]).toBe(Date.parse('2025-02-28T10:00:00Z') / 1000);
  });
});
