import { exportedRowsSql } from '../../testing/exported-rows';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { jsonl, merchant, tempDir, user, writeManifest } from '../../testing/export-files';
import { importExport } from './index';
import { compileJsonlFastPath } from './jsonl-fast-path';
import { convertField, type KnownIds, NO_KEY, type SqlValue } from './fields';
import { RowProblem } from './row-problem';
import { TABLES } from './tables';

const spec = (name: string) => TABLES.find((t) => t.name === name)!;
// Users with their keys (a transaction's payer is written as its key: tables.ts); merchants are not keyed.
const knownIds: KnownIds = {
  users: new Map(['u1', 'u2', '007', '9007199254740993123456789012', 'ü😀'].map((id, i) => [id, 100 + i])),
  merchants: new Map([
    ['m1', NO_KEY],
    ['m2', NO_KEY],
  ]),
};

/** What the general path (JSON.parse + convertField, as file-importer.ts runs it) makes of a line. */
function general(name: string, line: string): SqlValue[] | string {
  const fields = spec(name).fields;
  const out: SqlValue[] = [];
  try {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return 'bad_json';
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'bad_json';
    const row = obj as Record<string, unknown>;
    for (const k in row) if (!fields.some((f) => f.name === k)) return 'unknown_field';
    for (const f of fields) convertField(f, row[f.name], 'json', knownIds, out);
    return out;
  } catch (err) {
    if (err instanceof RowProblem) return err.reason;
    throw err;
  }
}

/** The fast path must accept only what the general path accepts, with exactly its values. */
function expectSameAnswer(name: string, fast: (l: string, o: SqlValue[]) => boolean, line: string): boolean {
  const out: SqlValue[] = [];
  const accepted = fast(line, out);
  if (accepted) expect(out, line).toEqual(general(name, line));
  return accepted;
}

const tx = (o: Record<string, unknown>) => JSON.stringify(o);
const T = '2026-11-24T08:30:00+08:00';

describe('compileJsonlFastPath', () => {
  const fast = compileJsonlFastPath(spec('transactions').fields, knownIds)!;

  it('takes the plain rows of a real export and gives the general path values', () => {
    expect(fast).not.toBeNull();
    const plain = [
      tx({
        id: '9007199254740993000000000001',
        user_id: '9007199254740993123456789012',
        merchant_id: 'm1',
        amount_fen: 1500,
        paid_at: T,
      }),
      tx({ id: 't2', user_id: 'ü😀', merchant_id: 'm2', amount_fen: 999999999999999, paid_at: '2024-02-29T12:00:00Z' }),
      tx({ id: 't3', user_id: '007', merchant_id: 'm1', amount_fen: 1, paid_at: '2026-02-28T00:00:00.250-05:30' }),
      // Keys in another order, and spaces JSON allows between tokens.
      ' { "paid_at" : "2026-11-24T08:30:00+08:00" , "amount_fen" : 20 , "merchant_id":"m2","user_id":"u2","id":"t4" } ',
    ];
    for (const line of plain) expect(expectSameAnswer('transactions', fast, line), line).toBe(true);
  });

  it('never answers differently on tricky and bad rows', () => {
    const tricky = [
      tx({ id: 't\u00e9\u4e2d', user_id: 'u1', merchant_id: 'm1', amount_fen: 5, paid_at: T }),
      '{"id":"t\\u0031","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}', // escape
      '{"id":"t\\ud83d\\ude00","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}', // surrogate pair
      '{"id":"t\\u0000","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}', // NUL escape
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":05,"paid_at":"' + T + '"}', // leading zero
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5.0,"paid_at":"' + T + '"}',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5e2,"paid_at":"' + T + '"}',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":-5,"paid_at":"' + T + '"}',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":0,"paid_at":"' + T + '"}',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":9007199254740993,"paid_at":"' + T + '"}',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":"5","paid_at":"' + T + '"}',
      '{"id":1,"user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}',
      '{"id":"","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}', // empty id
      '{"id":null,"user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}',
      '{"id":"t1","user_id":"u9","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}', // unknown user
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5}', // missing field
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '","x":1}', // unknown field
      '{"id":"t1","id":"t2","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}', // duplicate key
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"2025-02-29T08:30:00+08:00"}',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"2026-11-24T08:30:00"}',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}x',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"',
      '{"id":"t1","user_id":"u1","merchant_id":"m1","amount_fen":[5],"paid_at":"' + T + '"}',
      '{"id":"t1","user_id":{"a":1},"merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}',
      '{"id":"' + 'x'.repeat(65) + '","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}',
      '{"id":"t\t1","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}', // raw tab
      '{"__proto__":"t1","user_id":"u1","merchant_id":"m1","amount_fen":5,"paid_at":"' + T + '"}',
      '{}',
      '[]',
      'null',
    ];
    for (const line of tricky) expectSameAnswer('transactions', fast, line);
  });

  it('agrees with the general path on generated rows (property-style, fixed seed)', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
    const ids = ['t1', '', '007', '9007199254740993123456789012', 'a"b', 'a\\b', 'é😀', '\u0000', 'x'.repeat(64)];
    const users = ['u1', 'u2', 'u3', '007', '9007199254740993123456789012', 'ü😀', ''];
    const amounts: unknown[] = [1, 0, -1, 1500, 999999999999999, 1e15, 2 ** 53, 1.5, '12', null, true];
    const times: unknown[] = [T, '2026-11-24T08:30:00Z', '2026-13-01T00:00:00Z', '2026-11-24', null, 5];
    const keys = ['id', 'user_id', 'merchant_id', 'amount_fen', 'paid_at'];
    let accepted = 0;
    for (let r = 0; r < 3000; r++) {
      const row: Record<string, unknown> = {
        id: pick(ids),
        user_id: pick(users),
        merchant_id: pick(['m1', 'm2', 'm3']),
        amount_fen: pick(amounts),
        paid_at: pick(times),
      };
      if (rand(10) === 0) delete row[pick(keys)];
      if (rand(10) === 0) row.extra = 1;
      const entries = Object.entries(row);
      if (rand(3) === 0) entries.reverse();
      let line = JSON.stringify(Object.fromEntries(entries));
      if (rand(5) === 0) line = line.replaceAll(',', ' ,\t').replace('{', ' { ');
      const took = expectSameAnswer('transactions', fast, line);
      if (took) accepted++;
      // A good row without escapes or over-long numbers is the fast path's own: it must not decline it.
      if (typeof general('transactions', line) !== 'string' && !line.includes('\\') && !/\d{16}/.test(line))
        expect(took, line).toBe(true);
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('handles nullable and length-limited strings like the general path (transfers memo)', () => {
    const transfers = compileJsonlFastPath(spec('transfers').fields, knownIds)!;
    const row = (memo: unknown) =>
      JSON.stringify({ id: 'x1', from_user: 'u1', to_user: 'u2', amount_fen: 100, paid_at: T, memo });
    for (const memo of ['谢谢！', '', 'm'.repeat(200), 'm'.repeat(201), null, 'a\nb'])
      expectSameAnswer('transfers', transfers, row(memo));
    expect(transfers(row('谢谢！'), [])).toBe(true);
  });

  it('reads enums and booleans like the general path (users), on generated rows', () => {
    const users = compileJsonlFastPath(spec('users').fields, knownIds)!;
    expect(users).not.toBeNull();
    const plain = JSON.stringify({ ...user('o_PlUWK2Cfhhsu1x-xfcyTAlFD_2'), gender: 'M', id_verified: false });
    expect(expectSameAnswer('users', users, plain), plain).toBe(true);
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
    const choices: Record<string, readonly unknown[]> = {
      id_verified: [true, false, 'true', 1, 0, null],
      gender: ['F', 'M', 'f', 'FM', '', 'F ', 'X', null, 1, '\\u0046'],
      seeking: ['M', 'F', 'any', 'an', 'anyone', null],
      status: ['active', 'banned', 'deleted', 'Active', 'activ', null],
      birth_year: [1990, 1899, 2016, 1990.5, '1990', null],
    };
    let accepted = 0;
    for (let r = 0; r < 3000; r++) {
      const row: Record<string, unknown> = user(`u${r}`);
      for (const [key, values] of Object.entries(choices)) if (rand(3) === 0) row[key] = pick(values);
      // A literal spliced in as JSON text: what JSON.stringify would never write (true followed by junk, TRUE).
      let line = JSON.stringify(row).replace('"\\\\u0046"', '"\\u0046"');
      if (rand(20) === 0) line = line.replace(/"id_verified":(true|false)/, (m) => pick([`${m}x`, m.toUpperCase()]));
      if (expectSameAnswer('users', users, line)) accepted++;
      if (typeof general('users', line) !== 'string' && !line.includes('\\')) expect(users(line, []), line).toBe(true);
    }
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('the fast paths inside the importer', () => {
  /** Imports the same export twice, fast paths on and off, and returns each mirror's transactions and quarantine. */
  function importBothWays(files: Record<string, string>) {
    const root = tempDir();
    try {
      const dir = path.join(root, 'export');
      writeManifest(dir);
      fs.writeFileSync(path.join(dir, 'users.jsonl'), jsonl([user('u1'), user('007'), user('ü😀')]));
      fs.writeFileSync(path.join(dir, 'merchants.jsonl'), jsonl([merchant('m1')]));
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      return [true, false].map((fastPaths) => {
        const db = openDatabase(path.join(root, `mirror-${fastPaths}.db`));
        try {
          importExport(db, dir, { operator: 'tester', fastPaths });
          return {
            rows: db.prepare(exportedRowsSql('transactions', 'ORDER BY id')).all(),
            quarantine: db
              .prepare('SELECT file, line, field, reason, message, raw FROM quarantine ORDER BY file, line')
              .all(),
          };
        } finally {
          db.close();
        }
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  it('leaves the same mirror rows and the same errors (file, line, field, message) as the general path', () => {
    // Ids at and past 64 characters (astral ones count once), and times as other writers spell them: offsets without
    // a colon or minutes, lower-case t and z, 1–9 digits of fraction; refused in both formats and on both paths: a
    // leap second, a day February lacks, a space for the T (not ISO 8601).
    const spellings: [string, string][] = [
      ['s1', '2026-11-24T08:30:00+0800'],
      ['s2', '2026-11-24T08:30:00-05'],
      ['s3', '2026-11-24t00:30:00z'],
      ['s4', '2026-11-24T08:30:00.1+08:00'],
      ['s5', '2026-11-24T08:30:00.123456789-00:00'],
      ['s6', '2026-12-31T23:59:60Z'],
      ['s7', '2026-02-29T08:30:00+08:00'],
      ['s8', '2026-11-24 08:30:00+08:00'],
      ['😀'.repeat(64), T],
      ['😀'.repeat(65), T],
      ['x'.repeat(65), T],
      ['s\u001f9', T], // a control character: escaped in JSON, as it stands in CSV
    ];
    // Taken in both formats, fast path or not: ISO 8601's spellings of a time with an offset, 64 characters.
    const taken = ['s1', 's2', 's3', 's4', 's5', '😀'.repeat(64), 's\u001f9'].sort();
    const spelledAccepted = (rows: unknown[]) =>
      rows
        .map((r) => (r as { id: string }).id)
        .filter((id) => spellings.some(([s]) => s === id))
        .sort();
    const good = (id: string, user: string, extra = '') =>
      `{"id":"${id}","user_id":"${user}","merchant_id":"m1","amount_fen":1500,"paid_at":"${T}"${extra}}`;
    const lines = [
      good('9007199254740993000000000001', 'u1'),
      good('t\\u00e9', '007'),
      good('t2', 'ü😀'),
      good('t3', 'u9'), // unknown user
      good('t2', 'u1'), // duplicate id
      good('', 'u1'),
      good('t4', 'u1', ',"x":1'),
      '{"id":"t5","user_id":"u1","merchant_id":"m1","amount_fen":01,"paid_at":"' + T + '"}',
      '{"id":"t6","user_id":"u1","merchant_id":"m1","amount_fen":15.5,"paid_at":"' + T + '"}',
      '{"id":"t7","user_id":"u1","merchant_id":"m1","amount_fen":7,"paid_at":"2026-11-24T08:30:00"}',
      '{"id":"t8","user_id":"u1","merchant_id":"m1","amount_fen":7,"paid_at":"' + T + '"',
      good('t9', 'u1'),
      ...spellings.map(
        ([id, paidAt]) =>
          `{"id":${JSON.stringify(id)},"user_id":"u1","merchant_id":"m1","amount_fen":7,"paid_at":"${paidAt}"}`,
      ),
    ];
    const [fast, general] = importBothWays({ 'transactions.jsonl': lines.join('\n') + '\n' });
    expect(fast!.rows.length).toBeGreaterThan(0);
    expect(fast!.quarantine.length).toBeGreaterThan(0);
    expect(fast).toEqual(general);
    expect(spelledAccepted(fast!.rows)).toEqual(taken);

    const csv = [
      'id,user_id,merchant_id,amount_fen,paid_at',
      `9007199254740993000000000001,u1,m1,1500,${T}`,
      `"t,1",007,m1,1500,${T}`,
      `t2,u9,m1,1500,${T}`,
      `t3,u1,m1,007,${T}`,
      `t3,u1,m1,1,${T}`,
      `,u1,m1,1,${T}`,
      `t4,u1,m1,1,2026-11-24T08:30:00`,
      `t5,ü😀,m1,1,${T}`,
      ...spellings.map(([id, paidAt]) => `${id},u1,m1,7,${paidAt}`),
    ];
    const [fastCsv, generalCsv] = importBothWays({ 'transactions.csv': csv.join('\n') + '\n' });
    expect(fastCsv!.rows.length).toBeGreaterThan(0);
    expect(fastCsv).toEqual(generalCsv);
    expect(spelledAccepted(fastCsv!.rows)).toEqual(taken);
  });
});
