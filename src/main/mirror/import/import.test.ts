import { exportedRowsSql } from '../../testing/exported-rows';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/database';
import { CancelledError, type ProgressSink } from '../../../shared/progress';
import { mirrorStatus } from '../status';
import { keptNewestPayment, keptRowCounts } from '../row-counts';
import { platformIsoTime } from '../../../shared/domain/platform-time';
import { countQuarantine, importExport, listImportRuns, listQuarantine, recoverInterruptedImports } from './index';
import {
  jsonl,
  merchant,
  restampManifest,
  tempDir,
  transaction,
  user,
  writeManifest,
} from '../../testing/export-files';

let root: string;
let db: Db;
let exportDir: string;

beforeEach(() => {
  root = tempDir();
  db = openDatabase(path.join(root, 'mirror.db'));
  exportDir = path.join(root, 'export');
  writeManifest(exportDir);
});
afterEach(() => {
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const write = (file: string, content: string | Buffer): void => fs.writeFileSync(path.join(exportDir, file), content);
const count = (table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const quarantined = (runId: number) =>
  listQuarantine(db, { runId, offset: 0, limit: 100 }).map((q) => ({
    file: q.file,
    line: q.line,
    field: q.field,
    reason: q.reason,
  }));
/** Imports the directory as a new increment (a new export id, a later time), whatever it imported before. */
const run = (operator = 'tester') => {
  restampManifest(exportDir);
  return importExport(db, exportDir, { operator });
};

describe('importExport', () => {
  it('imports JSONL with a BOM and CRLF line endings, converting times to unix seconds and offset minutes', () => {
    write('users.jsonl', `\uFEFF${jsonl([user('u1'), user('007', { gender: 'M' })], '\r\n')}`);
    write('merchants.jsonl', jsonl([merchant('m1')], '\r\n'));
    write(
      'transactions.jsonl',
      `\uFEFF${jsonl([transaction('t1', 'u1', 'm1'), transaction('t2', '007', 'm1', { paid_at: '2026-11-01T00:30:00Z' })], '\r\n')}`,
    );
    const s = run();
    expect(s.status).toBe('completed');
    expect(s.totals).toEqual({ read: 5, inserted: 5, updated: 0, unchanged: 0, quarantined: 0, removed: 0 });
    expect(db.prepare('SELECT id FROM users ORDER BY id').pluck().all()).toEqual(['007', 'u1']);
    const t1 = db.prepare(exportedRowsSql('transactions', 'WHERE id = ?')).get('t1');
    expect(t1).toEqual({
      id: 't1',
      user_id: 'u1',
      merchant_id: 'm1',
      amount_fen: 1500,
      paid_at: Date.UTC(2026, 10, 1, 0, 30) / 1000,
      paid_tz: 480,
    });
    // The payer is kept as the user's key, the one the mirror made for it (db/migrations/016-user-keys.ts).
    expect(db.prepare('SELECT user_key FROM transactions WHERE id = ?').pluck().get('t2')).toBe(
      db.prepare("SELECT key FROM user_keys WHERE id = '007'").pluck().get(),
    );
    expect(db.prepare('SELECT paid_at, paid_tz FROM transactions WHERE id = ?').get('t2')).toEqual({
      paid_at: Date.UTC(2026, 10, 1, 0, 30) / 1000,
      paid_tz: 0,
    });
    expect(listImportRuns(db, 5)[0]).toMatchObject({
      id: s.runId,
      status: 'completed',
      operator: 'tester',
      exportId: s.exportId,
    });
  });

  it('quarantines each kind of bad row with its reason, field and line, and imports the rest', () => {
    const longLine = `{"id":"big","nickname":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    write(
      'users.jsonl',
      Buffer.concat([
        Buffer.from(
          jsonl([
            user('u1'), // 1
            user('u2', { birth_year: '1990' }), // 2 wrong_type
            (() => {
              const u = user('u3');
              delete u.nickname;
              return u;
            })(), // 3 missing_field
            user('u4', { favourite: 'tea' }), // 4 unknown_field
            user('u5', { birth_year: 1800 }), // 5 out_of_range
            user('u6', { nickname: '😀'.repeat(41) }), // 6 too_long (41 characters, 82 UTF-16 units)
            user('u7', { registered_at: '2025-03-01T09:00:00' }), // 7 bad_time: no offset
            user('u1', { nickname: 'again' }), // 8 duplicate
            '{"id": "u9", nickname', // 9 bad_json
            longLine, // 10 line_too_long
            user('u11', { nickname: '😀'.repeat(40) }), // 11 ok: 40 characters
          ]),
        ),
        Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // 12 invalid_utf8
        Buffer.from(JSON.stringify(user('u13'))), // 13 ok without trailing newline
      ]),
    );
    write('merchants.jsonl', jsonl([merchant('m1'), merchant('m2', { price_level: 5 })]));
    write(
      'transactions.jsonl',
      jsonl([
        transaction('t1', 'u1', 'm1'),
        transaction('t2', 'u404', 'm1'),
        transaction('t3', 'u1', 'm2'),
        transaction('t4', 'u1', 'm1', { amount_fen: 0 }),
      ]) + '{"id":"t5","user_id":"u1","merch',
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'merchants.jsonl', line: 2, field: 'price_level', reason: 'out_of_range' },
      { file: 'transactions.jsonl', line: 2, field: 'user_id', reason: 'unknown_reference' },
      { file: 'transactions.jsonl', line: 3, field: 'merchant_id', reason: 'unknown_reference' },
      { file: 'transactions.jsonl', line: 4, field: 'amount_fen', reason: 'out_of_range' },
      { file: 'transactions.jsonl', line: 5, field: null, reason: 'truncated' },
      { file: 'users.jsonl', line: 2, field: 'birth_year', reason: 'wrong_type' },
      { file: 'users.jsonl', line: 3, field: 'nickname', reason: 'missing_field' },
      { file: 'users.jsonl', line: 4, field: 'favourite', reason: 'unknown_field' },
      { file: 'users.jsonl', line: 5, field: 'birth_year', reason: 'out_of_range' },
      { file: 'users.jsonl', line: 6, field: 'nickname', reason: 'too_long' },
      { file: 'users.jsonl', line: 7, field: 'registered_at', reason: 'bad_time' },
      { file: 'users.jsonl', line: 8, field: 'id', reason: 'duplicate' },
      { file: 'users.jsonl', line: 9, field: null, reason: 'bad_json' },
      { file: 'users.jsonl', line: 10, field: null, reason: 'line_too_long' },
      { file: 'users.jsonl', line: 12, field: null, reason: 'invalid_utf8' },
    ]);
    expect(db.prepare('SELECT id FROM users ORDER BY id').pluck().all()).toEqual(['u1', 'u11', 'u13']);
    expect(db.prepare('SELECT nickname FROM users WHERE id = ?').pluck().get('u1')).toBe('nick u1'); // the duplicate did not win
    expect(db.prepare('SELECT id FROM transactions').pluck().all()).toEqual(['t1']);
    expect(s.files['users.jsonl']).toMatchObject({ read: 13, inserted: 3, quarantined: 10 });
    const rows = listQuarantine(db, { runId: s.runId, reason: 'line_too_long', offset: 0, limit: 10 });
    expect(rows[0]!.raw.length).toBe(300);
    expect(rows[0]!.message).toContain('users.jsonl line 10');
    const dup = listQuarantine(db, { runId: s.runId, reason: 'duplicate', offset: 0, limit: 10 })[0]!;
    expect(dup.message).toMatch(/users\.jsonl line 8, field id: .*"u1".*more than once/);
    expect(countQuarantine(db, { runId: s.runId, file: 'users.jsonl' })).toBe(10);
  });

  // 200 rows: into an empty table the key's unique index finds a repeat as each batch is written. 60,000 rows: a bulk
  // load, whose keys are checked only when the dropped index is built again; that build refuses the file, which is
  // then read again row by row — the same rows must stand and the same lines be quarantined as with the key set.
  it.each([200, 60_000])(
    'refuses a key twice in a file alike whether the table starts empty or not (the key set), %i rows',
    (total) => {
      write('users.jsonl', jsonl([user('u1')]));
      write('merchants.jsonl', jsonl([merchant('m1')]));
      // 200 rows (three 64-row batches, then rows one by one): repeats inside a batch, across batches, three times, and a key
      // whose first row was quarantined (its next good row counts; the one after that repeats it).
      const ids = Array.from({ length: total }, (_, i) => `t${i}`);
      ids[5] = 't3';
      ids[150] = 't10';
      ids[151] = 't10';
      ids[40] = 't20';
      ids[60] = 't20';
      ids[total - 3] = `t${total - 5}`; // in the last rows, written one by one
      if (total > 200) ids[total / 2] = 't7'; // far from its first row
      // The repeat of t3 is the newest payment of the file: refused, it must not become the mirror's newest.
      const paidAt = (i: number) => platformIsoTime(i === 5 ? '2026-11-09' : '2026-11-01', '08:30:00');
      const rows = ids.map((id, i) =>
        transaction(id, 'u1', 'm1', { amount_fen: i === 20 ? -1 : 1500 + i, paid_at: paidAt(i) }),
      );
      write('transactions.jsonl', jsonl(rows));
      const refusedLines = (m: Db, runId: number) =>
        m
          .prepare(
            'SELECT file, line, field, reason, message, raw FROM quarantine WHERE import_run_id = ? ORDER BY line',
          )
          .all(runId);
      const importInto = (m: Db) => {
        restampManifest(exportDir);
        const s = importExport(m, exportDir, { operator: 'tester' });
        // What the mirror keeps beside the rows, as the import counted them, is what the rows say.
        expect(keptRowCounts(m).get('transactions')).toBe(m.prepare('SELECT count(*) FROM transactions').pluck().get());
        expect(keptNewestPayment(m)).toBe(m.prepare('SELECT max(paid_at) FROM transactions').pluck().get());
        return {
          file: s.files['transactions.jsonl'],
          quarantine: refusedLines(m, s.runId),
          rows: m.prepare(exportedRowsSql('transactions', `WHERE id <> 'other' ORDER BY id`)).all(),
        };
      };
      // The same file into an empty mirror, and into one whose transactions table already holds a row.
      const empty = importInto(db);
      const other = openDatabase(path.join(root, 'other.db'));
      try {
        const holding = path.join(root, 'holding');
        writeManifest(holding);
        fs.writeFileSync(path.join(holding, 'users.jsonl'), jsonl([user('u1')]));
        fs.writeFileSync(path.join(holding, 'merchants.jsonl'), jsonl([merchant('m1')]));
        fs.writeFileSync(path.join(holding, 'transactions.jsonl'), jsonl([transaction('other', 'u1', 'm1')]));
        importExport(other, holding, { operator: 'tester' });
        const nonEmpty = importInto(other);
        expect(empty.quarantine).toEqual(nonEmpty.quarantine);
        expect(empty.rows).toEqual(nonEmpty.rows);
      } finally {
        other.close();
      }
      expect(empty.quarantine.map((q) => [(q as { line: number }).line, (q as { reason: string }).reason])).toEqual([
        [6, 'duplicate'],
        [21, 'out_of_range'],
        [61, 'duplicate'],
        [151, 'duplicate'],
        [152, 'duplicate'],
        ...(total > 200 ? [[total / 2 + 1, 'duplicate']] : []),
        [total - 2, 'duplicate'],
      ]);
      expect(empty.quarantine[0]).toMatchObject({
        field: 'id',
        message: 'transactions.jsonl line 6, field id: id "t3" appears more than once in this file',
        raw: JSON.stringify(rows[5]),
      });
      // The first row of each key stands (t20's first good row is line 41, after its quarantined line 21).
      const amountOf = (id: string) =>
        (empty.rows as { id: string; amount_fen: number }[]).find((r) => r.id === id)?.amount_fen;
      expect([amountOf('t3'), amountOf('t10'), amountOf('t20')]).toEqual([1503, 1510, 1540]);
      const quarantinedRows = total > 200 ? 7 : 6;
      expect(empty.file).toMatchObject({
        read: total,
        inserted: total - quarantinedRows,
        updated: 0,
        unchanged: 0,
        quarantined: quarantinedRows,
      });
      expect(empty.rows).toHaveLength(total - quarantinedRows);
    },
  );

  it('refuses a user naming one place twice in a bulk load of exposures (a key of two columns, checked at the index build)', () => {
    // 60,000 exposures (300 users x 200 places) into an empty table: a bulk load, whose (user, place) key is a unique
    // index built after the rows; that build refuses the file, which is then read again with each row's key checked.
    const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
    const places = Array.from({ length: 200 }, (_, i) => `m${i}`);
    write('users.jsonl', jsonl(users.map((u) => user(u))));
    write('merchants.jsonl', jsonl(places.map((m) => merchant(m))));
    const rows = users.flatMap((u) => places.map((m) => ({ user_id: u, merchant_id: m, level: 'brand' })));
    rows[7] = { user_id: 'u0', merchant_id: 'm3', level: 'place' }; // u0 and m3 again, at line 8
    rows[45_000] = { user_id: 'u2', merchant_id: 'm150', level: 'hidden' }; // far from its first row (line 551)
    write('exposures.jsonl', jsonl(rows));
    const importInto = (m: Db) => {
      restampManifest(exportDir);
      const s = importExport(m, exportDir, { operator: 'tester' });
      return {
        file: s.files['exposures.jsonl'],
        quarantine: m
          .prepare('SELECT line, field, reason, message FROM quarantine WHERE import_run_id = ? ORDER BY line')
          .all(s.runId),
        rows: m.prepare(`SELECT user_id, merchant_id, level FROM exposures ORDER BY user_id, merchant_id`).all(),
      };
    };
    const empty = importInto(db);
    expect(empty.quarantine).toEqual([
      {
        line: 8,
        field: null,
        reason: 'duplicate',
        message: 'exposures.jsonl line 8: user_id + merchant_id "u0 + m3" appears more than once in this file',
      },
      expect.objectContaining({ line: 45_001, reason: 'duplicate' }),
    ]);
    expect(empty.file).toMatchObject({ read: 60_000, inserted: 59_998, quarantined: 2 });
    // The first row of each pair stands.
    expect(db.prepare(`SELECT level FROM exposures WHERE user_id = 'u0' AND merchant_id = 'm3'`).pluck().get()).toBe(
      'brand',
    );
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The same file over a mirror that already holds the exposures (upserts, each key checked as it comes).
    const again = importInto(db);
    expect(again.quarantine).toEqual(empty.quarantine);
    expect(again.rows).toEqual(empty.rows);
    expect(again.file).toMatchObject({ unchanged: 59_998, quarantined: 2 });
  });

  it('reads RFC 4180 CSV: quoted commas, quotes and newlines inside memos, "" as empty string, bad records as bad_csv', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    write(
      'transfers.csv',
      '\uFEFFid,from_user,to_user,amount_fen,paid_at,memo\r\n' +
        'x1,u1,u2,100,2026-11-01T08:00:00+08:00,"rent, for ""November""\r\nsee you"\r\n' + // lines 2-3
        'x2,u1,u2,200,2026-11-02T08:00:00+08:00,""\r\n' + // 4
        'x3,u1,u2,300,2026-11-02T08:00:00+08:00,\r\n' + // 5 null memo
        'x4,u1,u2,4"00,2026-11-02T08:00:00+08:00,a\r\n' + // 6 bad_csv
        'x5,u1,u2,500\r\n' + // 7 bad_csv: too few columns
        '0012345678901234567890,u2,u1,600,2026-11-02T08:00:00+08:00,"multi\nline\nmemo"\r\n' + // 8-10
        'x7,u1,u2,abc,2026-11-02T08:00:00+08:00,ok\r\n' + // 11 wrong_type
        'x8,u1,u2,700,2026-11-02T08:00:00+08:00,"never closed\r\n', // 12 truncated
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'transfers.csv', line: 5, field: 'memo', reason: 'wrong_type' },
      { file: 'transfers.csv', line: 6, field: null, reason: 'bad_csv' },
      { file: 'transfers.csv', line: 7, field: null, reason: 'bad_csv' },
      { file: 'transfers.csv', line: 11, field: 'amount_fen', reason: 'wrong_type' },
      { file: 'transfers.csv', line: 12, field: null, reason: 'truncated' },
    ]);
    const memos = db.prepare('SELECT id, memo FROM transfers ORDER BY amount_fen').all();
    expect(memos).toEqual([
      { id: 'x1', memo: 'rent, for "November"\r\nsee you' },
      { id: 'x2', memo: '' },
      { id: '0012345678901234567890', memo: 'multi\nline\nmemo' },
    ]);
  });

  it('a quote never closed costs its own line only: the lines it swallowed are read again and the good ones land', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    const row = (id: string, memo: string) => `${id},u1,u2,100,2026-11-01T08:00:00+08:00,${memo}\n`;
    write(
      'transfers.csv',
      'id,from_user,to_user,amount_fen,paid_at,memo\n' +
        row('x1', 'ok') + // 2
        row('x2', '"oops') + // 3: the quote is never closed
        row('x3', 'fine') + // 4
        row('x4', 'fine too') + // 5
        row('x5', '"quoted, with a comma"') + // 6: its first quote "closes" line 3's; the record ends here
        row('x6', 'after'), // 7
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([{ file: 'transfers.csv', line: 3, field: null, reason: 'bad_csv' }]);
    expect(db.prepare('SELECT id FROM transfers ORDER BY id').pluck().all()).toEqual(['x1', 'x3', 'x4', 'x5', 'x6']);
    expect(db.prepare(`SELECT memo FROM transfers WHERE id = 'x5'`).pluck().get()).toBe('quoted, with a comma');
    expect(s.files['transfers.csv']).toMatchObject({ read: 6, inserted: 5, quarantined: 1 });
    expect(listQuarantine(db, { runId: s.runId, offset: 0, limit: 5 })[0]!.message).toContain('never closed');
  });

  it('a quote never closed up to the end of the file costs its own line only, the last line without a newline too', () => {
    // A writer that ends no file with a newline: a last record without one is whole (next test: one that ends them).
    write('users.jsonl', jsonl([user('u1'), user('u2')]).trimEnd());
    const row = (id: string, memo: string) => `${id},u1,u2,100,2026-11-01T08:00:00+08:00,${memo}`;
    write(
      'transfers.csv',
      'id,from_user,to_user,amount_fen,paid_at,memo\n' +
        `${row('x1', 'ok')}\n` + // 2
        `${row('x2', '"oops')}\n` + // 3: the quote is never closed, and no later quote closes it
        `${row('x3', 'fine')}\n` + // 4
        `${row('x4', 'bad')}`.replace('100', '1.5') +
        '\n' + // 5: refused on its own merits
        row('x5', 'last, no newline'.replace(',', ';')), // 6
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'transfers.csv', line: 3, field: null, reason: 'bad_csv' },
      { file: 'transfers.csv', line: 5, field: 'amount_fen', reason: 'wrong_type' },
    ]);
    expect(db.prepare('SELECT id FROM transfers ORDER BY id').pluck().all()).toEqual(['x1', 'x3', 'x5']);
    expect(s.files['transfers.csv']).toMatchObject({ read: 5, inserted: 3, quarantined: 2 });
  });

  it('refuses as truncated a CSV file’s last record without a newline when the export’s files end with one', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    write('merchants.jsonl', jsonl([merchant('m1')]).trimEnd()); // one file may lack it: the habit is the writer's
    // Cut inside the last cell of its last record (the amount last, as a reordered header puts it): 1500 fen read as
    // 150 would be a quiet wrong amount.
    const header = 'id,user_id,merchant_id,paid_at,amount_fen';
    const row = (id: string, amount: string) => `${id},u1,m1,2026-11-01T08:00:00+08:00,${amount}`;
    write('transactions.csv', `${header}\n${row('t1', '1500')}\n${row('t2', '150')}`);
    const s = run();
    expect(quarantined(s.runId)).toEqual([{ file: 'transactions.csv', line: 3, field: null, reason: 'truncated' }]);
    expect(listQuarantine(db, { runId: s.runId, offset: 0, limit: 1 })[0]!.message).toContain('cut off');
    expect(db.prepare('SELECT id FROM transactions').pluck().all()).toEqual(['t1']);
    // The same file in an export whose files all end without one: its last record is whole.
    write('users.jsonl', jsonl([user('u1'), user('u2')]).trimEnd());
    expect(quarantined(run().runId)).toEqual([]);
    expect(db.prepare('SELECT amount_fen FROM transactions WHERE id = ?').pluck().get('t2')).toBe(150);
  });

  it('refuses a file whose lines end in a bare CR before importing anything, naming the file and line 1', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    const csv = ['id,user_id,merchant_id,amount_fen,paid_at', 't1,u1,m1,100,2026-11-01T08:00:00+08:00'];
    write('transactions.csv', `${csv.join('\r')}\r`);
    restampManifest(exportDir);
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(
      /transactions\.csv: line 1 holds a bare carriage return/,
    );
    expect([count('users'), count('transactions'), count('import_runs')]).toEqual([0, 0, 0]);
    // CR CR LF: a CRLF written through a stream that turned its LF into CRLF again.
    write('transactions.csv', `${csv.join('\r\r\n')}\r\r\n`);
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(
      /transactions\.csv: line 1 ends in CR CR LF/,
    );
    // Blank lines first do not hide it: the first line that is not blank is the one looked at (JSONL too).
    write('transactions.csv', `\n\n${csv.join('\r\r\n')}\r\r\n`);
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(
      /transactions\.csv: line 3 ends in CR CR LF/,
    );
    write('transactions.csv', `${csv.join('\n')}\n`);
    write('users.jsonl', `\n${jsonl([user('u1'), user('u2')], '\r\r\n')}`);
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(/users\.jsonl: line 2 ends in CR CR LF/);
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    expect(count('import_runs')).toBe(0);
    // The same rows with CRLF import.
    write('transactions.csv', `${csv.join('\r\n')}\r\n`);
    expect(run().files['transactions.csv']).toMatchObject({ read: 1, inserted: 1 });
  });

  it('refuses a file written as UTF-16 (with a byte order mark or without) before importing anything, saying so', () => {
    const utf16le = (text: string, mark: boolean) =>
      Buffer.concat([Buffer.from(mark ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);
    const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    const users = jsonl([user('u1'), user('u2')], '\r\n');
    write('merchants.jsonl', jsonl([merchant('m1')]));
    restampManifest(exportDir);
    // Read as UTF-8, each of its lines was a bad row: the import completed with every user quarantined.
    write('users.jsonl', utf16le(users, true));
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(
      /users\.jsonl: starts with a UTF-16 byte order mark \(FF FE\): the export's files are UTF-8/,
    );
    write('users.jsonl', utf16be(users));
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(/users\.jsonl: .*\(FE FF\)/);
    write('users.jsonl', utf16le(users, false));
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(
      /users\.jsonl: starts with a NUL byte: not UTF-8 text \(UTF-16 without a byte order mark/,
    );
    // A CSV file was refused for a bare CR it does not hold.
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    const csv = 'id,user_id,merchant_id,amount_fen,paid_at\r\nt1,u1,m1,100,2026-11-01T08:00:00+08:00\r\n';
    write('transactions.csv', utf16le(csv, true));
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(
      /transactions\.csv: starts with a UTF-16/,
    );
    expect([count('users'), count('transactions'), count('quarantine'), count('import_runs')]).toEqual([0, 0, 0, 0]);
    // The same files as UTF-8 import.
    write('transactions.csv', csv);
    expect(run().totals).toMatchObject({ inserted: 4, quarantined: 0 });
  });

  it('refuses a row with a CR outside quotes (it would end up inside a value) and keeps one inside a quoted memo', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    write(
      'transfers.csv',
      'id,from_user,to_user,amount_fen,paid_at,memo\r\n' +
        'x1,u1,u2,100,2026-11-01T08:00:00+08:00,"two\rlines"\r\n' + // 2: a CR inside quotes is the memo's
        'x2,u1,u2,100,2026-11-01T08:00:00+08:00,memo\r\r\n' + // 3: CR CR LF leaves a CR in the last cell
        'x3,u1\r,u2,100,2026-11-01T08:00:00+08:00,"quoted"\r\n' + // 4: a CR in an unquoted cell of a quoted record
        'x4,u1,u2,100,2026-11-01T08:00:00+08:00,ok\r\n' + // 5
        'x5,u1\r,u2,100,2026-11-01T08:00:00+08:00,"two\nlines"\r\n', // 6-7: one record, not a quote left open
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'transfers.csv', line: 3, field: null, reason: 'bad_csv' },
      { file: 'transfers.csv', line: 4, field: null, reason: 'bad_csv' },
      { file: 'transfers.csv', line: 6, field: null, reason: 'bad_csv' },
    ]);
    expect(listQuarantine(db, { runId: s.runId, offset: 0, limit: 5 })[2]!.message).toContain('carriage return');
    const messages = listQuarantine(db, { runId: s.runId, offset: 0, limit: 5 }).map((q) => q.message);
    expect(messages[0]).toContain('carriage return (CR) inside unquoted cell 6');
    expect(messages[1]).toContain('carriage return (CR) inside unquoted cell 2');
    expect(db.prepare('SELECT id, memo FROM transfers ORDER BY id').raw().all()).toEqual([
      ['x1', 'two\rlines'],
      ['x4', 'ok'],
    ]);
  });

  it('refuses half a character escaped in JSON (a lone surrogate) and keeps a whole one, escaped or not', () => {
    const row = (id: string, nickname: string) =>
      JSON.stringify(user('x'))
        .replace('"id":"x"', `"id":"${id}"`)
        .replace(/"nickname":"[^"]*"/, `"nickname":"${nickname}"`);
    write(
      'users.jsonl',
      [
        row('u1', 'a\\ud83d\\ude00b'), // 1: an escaped pair: one emoji
        row('u2', 'a😀b'), // 2: the same emoji as UTF-8
        row('u3', 'a\\ud83db'), // 3: half of it
        row('u4\\udc00', 'fine'), // 4: half a character in the id
        row('u5', `${'x'.repeat(40)}\\ud800`), // 5: past the length limit only by half a character
      ].join('\n') + '\n',
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'users.jsonl', line: 3, field: 'nickname', reason: 'bad_json' },
      { file: 'users.jsonl', line: 4, field: 'id', reason: 'bad_json' },
      { file: 'users.jsonl', line: 5, field: 'nickname', reason: 'bad_json' },
    ]);
    expect(db.prepare('SELECT id, nickname FROM users ORDER BY id').raw().all()).toEqual([
      ['u1', 'a😀b'],
      ['u2', 'a😀b'],
    ]);
  });

  it('refuses a file named almost as one of the format (its rows would be skipped unread) and skips unrelated ones', () => {
    write('users.jsonl', jsonl([user('u1')]));
    write('labels.jsonl', '{"user_id":"u1"}\n');
    write('README.txt', 'not data\n');
    expect(run().skippedFiles).toEqual(['README.txt', 'labels.jsonl']);
    const refusals: [string, Record<string, number>, RegExp][] = [
      ['consents.JSONL', {}, /consents\.JSONL: not a file name of the export format .* expected consents\.jsonl/],
      ['merchants.json', {}, /merchants\.json: not a file name .* expected merchants\.jsonl/],
      ['users.csv', { 'users.csv': 1 }, /files\["users\.csv"\]: users comes as JSONL only .* expected users\.jsonl/],
      ['Transactions.csv', { 'Transactions.csv': 1 }, /expected transactions\.jsonl or transactions\.csv/],
    ];
    for (const [name, declared, message] of refusals) {
      write(name, '{}\n');
      writeManifest(exportDir, `misnamed-${name}`, declared);
      restampManifest(exportDir);
      expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(message);
      fs.rmSync(path.join(exportDir, name));
    }
    expect(listImportRuns(db, 10)).toHaveLength(1);
  });

  it('refuses an export holding a table as both JSONL and CSV, before writing anything (one file per table)', () => {
    write('users.jsonl', jsonl([user('u1')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    write('transactions.jsonl', jsonl([transaction('t1', 'u1', 'm1')]));
    write('transactions.csv', `id,user_id,merchant_id,amount_fen,paid_at\nt2,u1,m1,100,2026-11-01T08:30:00+08:00\n`);
    expect(run).toThrow(/holds both transactions\.jsonl and transactions\.csv/);
    expect([count('users'), count('transactions')]).toEqual([0, 0]);
  });

  it('refuses a JSON object that names a key twice (which value is meant cannot be told), and only such a one', () => {
    const u = JSON.stringify(user('u1'));
    write(
      'users.jsonl',
      [
        u.replace(/"nickname":"[^"]*"/, '"nickname":"say \\"id\\": 2, \\"nickname\\": x"'), // 1: keys inside a value
        u.replace('"id":"u1"', '"id":"u2x","id":"u2"'), // 2: the id twice
        u.replace('"id":"u1"', '"id":"u3","\\u0069d":"u3"'), // 3: the id twice, once escaped
        u.replace('"id":"u1"', '"id":"u4","extra":1,"extra":2'), // 4: an unknown key twice
      ].join('\n') + '\n',
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'users.jsonl', line: 2, field: 'id', reason: 'bad_json' },
      { file: 'users.jsonl', line: 3, field: 'id', reason: 'bad_json' },
      { file: 'users.jsonl', line: 4, field: null, reason: 'bad_json' },
    ]);
    expect(db.prepare('SELECT id, nickname FROM users').raw().all()).toEqual([['u1', 'say "id": 2, "nickname": x']]);
  });

  it('reads an integer the same in CSV and JSONL: 1400, 1400.0 and 1.4e3 are 1400; a fraction is refused in both', () => {
    write('users.jsonl', jsonl([user('u1')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    // 1400.00000000000001 and 1400000000000000000001e-18 are fractions a double rounds to 1400: refused all the same.
    const amounts = ['1400', '1400.0', '1.4e3', '14.5', '1400.00000000000001', '1400000000000000000001e-18'];
    write(
      'transactions.csv',
      'id,user_id,merchant_id,amount_fen,paid_at\n' +
        amounts.map((a, i) => `c${i},u1,m1,${a},2026-11-01T08:00:00+08:00\n`).join(''),
    );
    const csv = run();
    fs.rmSync(path.join(exportDir, 'transactions.csv'));
    write(
      'transactions.jsonl',
      amounts
        .map(
          (a, i) =>
            `{"id":"j${i}","user_id":"u1","merchant_id":"m1","amount_fen":${a},"paid_at":"2026-11-01T08:00:00+08:00"}\n`,
        )
        .join(''),
    );
    const json = run();
    for (const [s, file] of [
      [csv, 'transactions.csv'],
      [json, 'transactions.jsonl'],
    ] as const) {
      const first = file.endsWith('.csv') ? 5 : 4;
      expect(quarantined(s.runId)).toEqual(
        [0, 1, 2].map((k) => ({ file, line: first + k, field: 'amount_fen', reason: 'wrong_type' })),
      );
    }
    expect(db.prepare('SELECT id, amount_fen FROM transactions ORDER BY id').raw().all()).toEqual([
      ['c0', 1400],
      ['c1', 1400],
      ['c2', 1400],
      ['j0', 1400],
      ['j1', 1400],
      ['j2', 1400],
    ]);
  });

  it('skips an over-long quoted CSV field as one record, newlines inside it included, and keeps counting lines', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    const huge = `"${'memo line\n'.repeat(600_000)}"`; // 6 MB, more than the read buffer, 600,000 newlines inside the quotes
    write(
      'transfers.csv',
      'id,from_user,to_user,amount_fen,paid_at,memo\n' +
        'x1,u1,u2,100,2026-11-01T08:00:00+08:00,ok\n' + // 2
        `xl,u1,u2,100,2026-11-01T08:00:00+08:00,${huge}\n` + // 3 … 600,003
        'x3,u1,u2,abc,2026-11-01T08:00:00+08:00,next\n', // 600,004
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'transfers.csv', line: 3, field: null, reason: 'line_too_long' },
      { file: 'transfers.csv', line: 600_004, field: 'amount_fen', reason: 'wrong_type' },
    ]);
    expect(db.prepare('SELECT id FROM transfers').pluck().all()).toEqual(['x1']);
  });

  it('refuses times outside 1970–2100 or past ±14:00, and NUL bytes in CSV cells', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    write(
      'transactions.csv',
      'id,user_id,merchant_id,amount_fen,paid_at\n' +
        't1,u1,m1,100,0000-01-01T00:00:00Z\n' + // 2
        't2,u1,m1,100,2026-11-01T08:00:00+14:59\n' + // 3
        't3,u1,m1,100,2026-11-01T08:00:00+14:00\n' + // 4 fine
        't4,u1,m1,1\u000000,2026-11-01T08:00:00+08:00\n' + // 5
        't5,u2,m1,100,2026-11-01t08:00:00z\n', // 6 fine (RFC 3339 allows lower case)
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'transactions.csv', line: 2, field: 'paid_at', reason: 'bad_time' },
      { file: 'transactions.csv', line: 3, field: 'paid_at', reason: 'bad_time' },
      { file: 'transactions.csv', line: 5, field: null, reason: 'bad_csv' },
    ]);
    expect(db.prepare('SELECT id FROM transactions ORDER BY id').pluck().all()).toEqual(['t3', 't5']);
  });

  it('the same rows in a new increment change nothing; an update changes exactly the changed rows', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2'), user('u3')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    write('transactions.jsonl', jsonl([transaction('t1', 'u1', 'm1'), transaction('t2', 'u2', 'm1')]));
    expect(run().totals).toMatchObject({ inserted: 6, updated: 0 });
    const again = run();
    expect(again.totals).toEqual({ read: 6, inserted: 0, updated: 0, unchanged: 6, quarantined: 0, removed: 0 });

    write('users.jsonl', jsonl([user('u1'), user('u2', { nickname: 'renamed' }), user('u3'), user('u4')]));
    write(
      'transactions.jsonl',
      jsonl([transaction('t1', 'u1', 'm1', { amount_fen: 99 }), transaction('t2', 'u2', 'm1')]),
    );
    const update = run();
    expect(update.files['users.jsonl']).toMatchObject({ read: 4, inserted: 1, updated: 1, unchanged: 2 });
    expect(update.files['transactions.jsonl']).toMatchObject({ read: 2, inserted: 0, updated: 1, unchanged: 1 });
    expect(db.prepare('SELECT nickname FROM users WHERE id = ?').pluck().get('u2')).toBe('renamed');
    expect(db.prepare('SELECT amount_fen FROM transactions WHERE id = ?').pluck().get('t1')).toBe(99);
  });

  it('an introduction dated outside 1970–2100 (a zero time, a placeholder year) is quarantined, as a time would be', () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    write(
      'introductions.jsonl',
      jsonl([
        { user_a: 'u1', user_b: 'u2', date: '0001-01-01', outcome: 'pending' },
        { user_a: 'u1', user_b: 'u2', date: '9999-12-31', outcome: 'pending' },
        { user_a: 'u1', user_b: 'u2', date: '2026-11-20', outcome: 'pending' },
      ]),
    );
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'introductions.jsonl', line: 1, field: 'date', reason: 'bad_time' },
      { file: 'introductions.jsonl', line: 2, field: 'date', reason: 'bad_time' },
    ]);
    expect(listQuarantine(db, { runId: s.runId, offset: 0, limit: 1 })[0]!.message).toContain(
      'date must be a date YYYY-MM-DD between 1970 and 2100',
    );
    expect(db.prepare('SELECT date FROM introductions').pluck().all()).toEqual(['2026-11-20']);
  });

  it('resolves references to ids that arrive in the same import, and to ids already in the mirror', () => {
    write('users.jsonl', jsonl([user('u1')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    run();
    fs.rmSync(path.join(exportDir, 'merchants.jsonl'));
    write('users.jsonl', jsonl([user('u2')]));
    write(
      'consents.jsonl',
      jsonl([{ user_id: 'u2', feature: 'meet_similar', granted_at: '2026-01-01T00:00:00+08:00', revoked_at: null }]),
    );
    write('exposures.jsonl', jsonl([{ user_id: 'u1', merchant_id: 'm1', level: 'brand' }]));
    write(
      'introductions.jsonl',
      jsonl([
        { user_a: 'u2', user_b: 'u1', date: '2026-11-20', outcome: 'pending' },
        { user_a: 'u1', user_b: 'u1', date: '2026-11-20', outcome: 'pending' },
      ]),
    );
    write('transactions.jsonl', jsonl([transaction('t1', 'u2', 'm1'), transaction('t2', 'u3', 'm1')]));
    const s = run();
    expect(quarantined(s.runId)).toEqual([
      { file: 'introductions.jsonl', line: 2, field: 'user_b', reason: 'out_of_range' },
      { file: 'transactions.jsonl', line: 2, field: 'user_id', reason: 'unknown_reference' },
    ]);
    expect(count('consents')).toBe(1);
    expect(count('exposures')).toBe(1);
    expect(db.prepare('SELECT user_a, user_b FROM introductions').get()).toEqual({ user_a: 'u1', user_b: 'u2' });
    expect(db.prepare(exportedRowsSql('transactions')).all()).toMatchObject([{ id: 't1', user_id: 'u2' }]);
  });

  it('into a table with rows, rebuilds its indexes only when most of a big file really writes', () => {
    const ROWS = 60_000; // past BULK_MIN_ROWS and BULK_DECIDE_AFTER_ROWS
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    const file = (amount: number) =>
      jsonl(
        Array.from({ length: ROWS }, (_, i) => transaction(`t${i}`, i % 3 ? 'u1' : 'u2', 'm1', { amount_fen: amount })),
      );
    const phases: string[] = [];
    const progress: ProgressSink = { report: (phase) => void phases.push(phase), throwIfCancelled() {} };
    const importWatched = () => {
      phases.length = 0;
      restampManifest(exportDir);
      const s = importExport(db, exportDir, { operator: 'tester', progress });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const plan = db
        .prepare('EXPLAIN QUERY PLAN SELECT id FROM transactions WHERE user_key = ? ORDER BY paid_at')
        .all(1) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('transactions_user');
      const u2 = db.prepare(`SELECT key FROM user_keys WHERE id = 'u2'`).pluck().get();
      expect(db.prepare('SELECT count(*) FROM transactions WHERE user_key = ?').pluck().get(u2)).toBe(ROWS / 3);
      return { s, rebuilt: phases.includes('transactions.jsonl: indexing') };
    };
    write('transactions.jsonl', file(100));
    expect(importWatched()).toMatchObject({ rebuilt: true }); // empty table: dropped at once
    const same = importWatched(); // the same rows again: nothing written, the indexes kept
    expect(same.rebuilt).toBe(false);
    expect(same.s.files['transactions.jsonl']).toMatchObject({ unchanged: ROWS, updated: 0 });
    write('transactions.jsonl', file(200));
    const changed = importWatched(); // every row changes: dropped midway and rebuilt over all of them
    expect(changed.rebuilt).toBe(true);
    expect(changed.s.files['transactions.jsonl']).toMatchObject({ updated: ROWS });
    expect(db.prepare('SELECT DISTINCT amount_fen FROM transactions').pluck().all()).toEqual([200]);
  });

  it('a big users file into an empty mirror gives every user one key, and the key trigger is back for later imports', () => {
    const USERS = 60_000; // past BULK_MIN_ROWS: the key trigger is dropped for the file and the keys made after it
    const ids = Array.from({ length: USERS }, (_, i) => `o${((i * 7919) % USERS).toString(36).padStart(5, '0')}`);
    write('users.jsonl', jsonl(ids.map((id) => user(id))));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    write('transactions.jsonl', jsonl([transaction('t1', ids[0]!, 'm1'), transaction('t2', ids[USERS - 1]!, 'm1')]));
    const trigger = () => db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'users_key'`).pluck().get();
    const made = trigger();
    run();
    expect(trigger()).toBe(made);
    const keys = db.prepare('SELECT u.id, k.key FROM users u JOIN user_keys k ON k.id = u.id').raw().all() as [
      string,
      number,
    ][];
    expect(keys.length).toBe(USERS);
    expect(new Set(keys.map(([, k]) => k)).size).toBe(USERS);
    expect(count('user_keys')).toBe(USERS);
    // Made after the file, in id order (the file lists the ids shuffled): the trigger would have followed the file.
    const byId = db.prepare('SELECT key FROM user_keys ORDER BY id').pluck().all() as number[];
    expect(byId.every((k, i) => i === 0 || k > byId[i - 1]!)).toBe(true);
    // The transactions of the same import found their payers' keys.
    expect(db.prepare(exportedRowsSql('transactions')).all()).toMatchObject([
      { id: 't1', user_id: ids[0] },
      { id: 't2', user_id: ids[USERS - 1] },
    ]);
    // A later import adds a user one row at a time: the trigger, made again, gives it a key; the others keep theirs.
    write('users.jsonl', jsonl([user('newcomer')]));
    write('transactions.jsonl', jsonl([transaction('t3', 'newcomer', 'm1')]));
    restampManifest(exportDir);
    run();
    expect(
      db
        .prepare('SELECT u.id, k.key FROM users u JOIN user_keys k ON k.id = u.id WHERE u.id != ?')
        .raw()
        .all('newcomer'),
    ).toEqual(keys);
    const newcomer = db.prepare(`SELECT key FROM user_keys WHERE id = 'newcomer'`).pluck().get() as number;
    expect(newcomer).toBeGreaterThan(Math.max(...keys.map(([, k]) => k)));
    expect(db.prepare(`SELECT user_key FROM transactions WHERE id = 't3'`).pluck().get()).toBe(newcomer);
  });

  it('a cancel rolls the whole import back and marks the run cancelled', () => {
    write('users.jsonl', jsonl([user('u1')]));
    write('merchants.jsonl', jsonl([merchant('m1')]));
    run();
    write('users.jsonl', jsonl([user('u1', { nickname: 'changed' }), user('u2')]));
    write('merchants.jsonl', jsonl([merchant('m1'), merchant('m2')]));
    write('transactions.jsonl', jsonl([transaction('t1', 'u2', 'm2'), 'not json']));
    let reports = 0;
    const progress: ProgressSink = {
      report: () => void reports++,
      throwIfCancelled() {
        // Cancel once the merchants file has been read: users and merchants were already written in the transaction.
        if (reports >= 2) throw new CancelledError();
      },
    };
    restampManifest(exportDir);
    expect(() => importExport(db, exportDir, { operator: 'tester', progress })).toThrow(CancelledError);
    expect(count('users')).toBe(1);
    expect(count('merchants')).toBe(1);
    expect(count('transactions')).toBe(0);
    expect(db.prepare('SELECT nickname FROM users').pluck().get()).toBe('nick u1');
    // The mirror's status reads kept counts: set by the import that committed, untouched by the one rolled back.
    const status = new Map(mirrorStatus(db, path.join(root, 'mirror.db')).tables.map((t) => [t.name, t.rows]));
    for (const t of ['users', 'merchants', 'transactions', 'import_runs', 'quarantine', 'audit_log'])
      expect(status.get(t), t).toBe(count(t));
    expect(status.get('users')).toBe(1);
    const [last] = listImportRuns(db, 1);
    expect(last).toMatchObject({ status: 'cancelled' });
    expect(countQuarantine(db, { runId: last!.id })).toBe(0);
  });

  it('refuses an export without a usable manifest, naming the file', () => {
    fs.writeFileSync(path.join(exportDir, 'manifest.json'), '{"format": 2}');
    expect(() => run()).toThrow(/manifest\.json: format must be 1/);
    // A key named twice: JSON.parse would take the last (a snapshot, deleting rows), but which is meant cannot be told.
    const m = '{"format":1,"export_id":"e","exported_at":"2026-11-24T03:00:00+08:00","kind":"increment","files":{}';
    for (const [text, key] of [
      [`${m},"kind":"snapshot"}`, 'kind'],
      [m.replace('"files":{}', '"files":{"users.jsonl":1,"users.jsonl":0}') + '}', 'users.jsonl'],
    ] as const) {
      fs.writeFileSync(path.join(exportDir, 'manifest.json'), text);
      expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(
        `manifest.json: names the key "${key}" twice`,
      );
    }
    fs.rmSync(path.join(exportDir, 'manifest.json'));
    expect(() => importExport(db, exportDir, { operator: 'tester' })).toThrow(/manifest\.json: not found/);
    expect(listImportRuns(db, 5)).toEqual([]);
  });

  it('refuses links and directories where data files belong, and a file the manifest declares but lacks', () => {
    write('users.jsonl', jsonl([user('u1')]));
    fs.symlinkSync('/etc/passwd', path.join(exportDir, 'merchants.jsonl'));
    expect(() => run()).toThrow(/merchants\.jsonl: is a symbolic link; an export holds plain files only/);
    fs.rmSync(path.join(exportDir, 'merchants.jsonl'));
    fs.mkdirSync(path.join(exportDir, 'reports.jsonl'));
    expect(() => run()).toThrow(/reports\.jsonl: is a directory/);
    fs.rmSync(path.join(exportDir, 'reports.jsonl'), { recursive: true });
    writeManifest(exportDir, 'test-export', { 'users.jsonl': 1, 'transactions.csv': 3473 });
    expect(() => run()).toThrow(
      /transactions\.csv: the manifest declares it \(3473 rows\) but the export has no such file/,
    );
    expect(count('users')).toBe(0);
    expect(listImportRuns(db, 5)).toEqual([]);
  });

  it("takes an increment's row counts as a hint only: a huge count neither fails nor reserves memory, and is reported", () => {
    write('users.jsonl', jsonl([user('u1'), user('u2')]));
    writeManifest(exportDir, 'test-export', { 'users.jsonl': 3_000_000_000 });
    const s = run();
    expect(s.files['users.jsonl']).toMatchObject({ read: 2, inserted: 2, expected: 3_000_000_000 });
    expect(s.manifestMismatches).toEqual([{ file: 'users.jsonl', declared: 3_000_000_000, read: 2 }]);
  });

  it('wants real booleans in JSON; only CSV spells them as text', () => {
    write('users.jsonl', jsonl([user('u1', { id_verified: 'true' }), user('u2')]));
    const s = run();
    expect(s.totals).toMatchObject({ inserted: 1, quarantined: 1 });
    expect(quarantined(s.runId)).toEqual([
      { file: 'users.jsonl', line: 1, field: 'id_verified', reason: 'wrong_type' },
    ]);
  });

  it('recoverInterruptedImports marks runs left running as failed "interrupted"', () => {
    db.prepare(
      `INSERT INTO import_runs (export_dir, operator, started_at, status) VALUES ('/x', 'op', '2026-01-01', 'running')`,
    ).run();
    expect(recoverInterruptedImports(db)).toBe(1);
    expect(listImportRuns(db, 1)[0]).toMatchObject({ status: 'failed', error: 'interrupted' });
    expect(recoverInterruptedImports(db)).toBe(0);
  });
});

describe('recoverInterruptedImports while another connection imports', () => {
  it('leaves a run alone when its import still holds the write lock', () => {
    const other = openDatabase(path.join(root, 'mirror.db'));
    db.prepare(
      `INSERT INTO import_runs (export_dir, operator, started_at, status) VALUES ('/x', 'op', '2026-01-01', 'running')`,
    ).run();
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(recoverInterruptedImports(db)).toBe(0);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(recoverInterruptedImports(db)).toBe(1);
  });
});
