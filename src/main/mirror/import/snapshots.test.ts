import { exportedRowsSql } from '../../testing/exported-rows';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../audit/audit-log';
import { openDatabase, type Db } from '../../db/database';
import { platformIsoTime } from '../../../shared/domain/platform-time';
import { importExport, listImportRuns, listQuarantine, WAITING_FOR_MIRROR } from './index';
import { keptRowCounts } from '../row-counts';
import { seedFlags } from '../../testing/moderation-mirror';
import { merchant, tempDir, transaction, user, writeExport, type TestFile } from '../../testing/export-files';

/**
 * Snapshots, increments and their order (DATA-FORMAT.md): example by example. The property test beside this file
 * checks the same rules on random sequences of exports against a model.
 */
let root: string;
let db: Db;
let serial = 0;
let lastDir = '';
beforeEach(() => {
  root = tempDir('encounter-snapshots-');
  serial = 0;
  db = openDatabase(path.join(root, 'mirror.db'));
});
afterEach(() => {
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const at = (minute: number) => platformIsoTime('2026-11-24', `03:${String(minute).padStart(2, '0')}:00`);
/** Writes an export (a new directory each time) and imports it. */
function importAs(
  kind: 'snapshot' | 'increment',
  files: Record<string, TestFile>,
  o: { exportId?: string; minute?: number; allowOlder?: string } = {},
) {
  serial++;
  const dir = path.join(root, `export-${serial}`);
  lastDir = dir;
  writeExport(dir, { exportId: o.exportId ?? `e${serial}`, exportedAt: at(o.minute ?? serial), kind }, files);
  return importExport(db, dir, { operator: 'ops', ...(o.allowOlder ? { allowOlder: o.allowOlder } : {}) });
}
const ids = (table: string, col = 'id') =>
  db.prepare(`SELECT ${col} FROM ${table} ORDER BY ${col}`).pluck().all() as string[];
const dump = (table: string) =>
  db
    .prepare(exportedRowsSql(table))
    .all()
    .map((r) => JSON.stringify(r))
    .sort();
const consent = (userId: string, day: string, revoked: string | null = null) => ({
  user_id: userId,
  feature: 'meet_similar',
  granted_at: platformIsoTime(day, '08:00:00'),
  revoked_at: revoked === null ? null : platformIsoTime(revoked, '08:00:00'),
});
const exposure = (userId: string, merchantId: string, level = 'place') => ({
  user_id: userId,
  merchant_id: merchantId,
  level,
});
const block = (a: string, b: string) => ({ blocker_id: a, blocked_id: b, created_at: at(1) });

/**
 * A snapshot carrying only transactions.csv (the baseline's two rows), its header replaced by `header` (null: kept)
 * and `prefix` written before it; returns its import, to run.
 */
function transactionsSnapshotWith(prefix: string, header: string | null) {
  serial++;
  const dir = path.join(root, `export-${serial}`);
  const rows = [transaction('t1', 'u1', 'm1'), transaction('t2', 'u2', 'm2')];
  writeExport(
    dir,
    { exportId: `e${serial}`, exportedAt: at(serial), kind: 'snapshot' },
    {
      transactions: { rows, format: 'csv' },
    },
  );
  const file = path.join(dir, 'transactions.csv');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (header !== null) lines[0] = header;
  fs.writeFileSync(file, prefix + lines.join('\n'));
  return () => importExport(db, dir, { operator: 'ops' });
}

function baseline() {
  return importAs('snapshot', {
    users: { rows: [user('u1'), user('u2'), user('u3')] },
    merchants: { rows: [merchant('m1'), merchant('m2')] },
    consents: { rows: [consent('u1', '2026-01-01'), consent('u2', '2026-01-01')] },
    exposures: { rows: [exposure('u1', 'm1'), exposure('u2', 'm2', 'brand')] },
    transactions: { rows: [transaction('t1', 'u1', 'm1'), transaction('t2', 'u2', 'm2')], format: 'csv' },
    blocks: { rows: [block('u1', 'u2')] },
  });
}

describe('a snapshot', () => {
  it('leaves every table it carries holding exactly its rows, counts the removed ones, and leaves the others alone', () => {
    baseline();
    const s = importAs('snapshot', {
      users: { rows: [user('u1'), user('u2', { nickname: 'renamed' }), user('u3')] },
      // u2's consent row withdrawn with its row, u1's exposure set back to hidden (no row), the block lifted.
      consents: { rows: [consent('u1', '2026-01-01')] },
      exposures: { rows: [exposure('u2', 'm2', 'brand')] },
      blocks: { rows: [] },
    });
    expect(ids('consents', 'user_id')).toEqual(['u1']);
    expect(ids('exposures', 'user_id')).toEqual(['u2']);
    expect(ids('blocks', 'blocker_id')).toEqual([]);
    expect(ids('transactions')).toEqual(['t1', 't2']);
    expect(ids('merchants')).toEqual(['m1', 'm2']);
    expect(s.files['users.jsonl']).toMatchObject({ read: 3, inserted: 0, updated: 1, unchanged: 2, removed: 0 });
    expect(s.files['consents.jsonl']).toMatchObject({ read: 1, unchanged: 1, removed: 1 });
    expect(s.files['exposures.jsonl']).toMatchObject({ removed: 1 });
    expect(s.files['blocks.jsonl']).toMatchObject({ read: 0, removed: 1 });
    expect(s.totals).toMatchObject({ removed: 3, updated: 1 });
    expect(listImportRuns(db, 1)[0]!.summary.totals).toMatchObject({ removed: 3 });
  });

  it('is refused whole when a CSV header cannot be used: its rows could not be told apart, so none would stand', () => {
    baseline();
    const before = dump('transactions');
    const headers: [string, RegExp][] = [
      [
        'ID,user_id,merchant_id,amount_fen,paid_at',
        /column "ID" that transactions does not have \(did you mean "id"\?\)/,
      ],
      ['id,user_id,merchant_id,amount_fen,paid_at,id', /column "id" appears twice/],
      ['id;user_id;merchant_id;amount_fen;paid_at', /column "id;user_id;merchant_id;amount_fen;paid_at"/],
      ['id,user_id,merchant_id,paid_at', /lacks the column amount_fen/],
      ['id,user_id,"merchant_id,amount_fen,paid_at', /does not parse as CSV/],
      // What shows as nothing is written out: a second BOM (a tool that added one to text starting with one), a
      // zero-width or no-break space; shown as they are, the names would read `"id" (did you mean "id"?)`.
      [
        '\uFEFF\uFEFFid,user_id,merchant_id,amount_fen,paid_at',
        /column "\\uFEFFid" that transactions does not have \(did you mean "id"\?\)/,
      ],
      ['id,user\u200B_id,merchant_id,amount_fen,paid_at', /column "user\\u200B_id" that/],
      ['id,user_id\u00A0,merchant_id,amount_fen,paid_at', /column "user_id\\u00A0" that/],
    ];
    for (const [header, message] of headers) {
      expect(transactionsSnapshotWith('', header)).toThrow(message);
      expect(dump('transactions')).toEqual(before);
    }
    expect(listImportRuns(db, 10)).toHaveLength(1); // the baseline's: no run was even started for the refused ones
  });

  it('is refused the same whatever comes before a bad header, and a good header far into the file still imports', () => {
    baseline();
    const before = dump('transactions');
    const bad = 'id,user_id,merchant_id,amount_fen,paid_AT';
    // A line that only looks blank (a BOM after the file's own, a no-break space) is the header to the parser, and is refused.
    expect(transactionsSnapshotWith('\uFEFF\uFEFF\n', null)).toThrow(/the header names a column "\\uFEFF"/);
    expect(transactionsSnapshotWith('\u00A0\n', null)).toThrow(/the header names a column "\\u00A0"/);
    // A bad header past the first 64 KiB the import looks at before writing: the parser stops the import, rolled back.
    expect(transactionsSnapshotWith('\n'.repeat(70_000), bad)).toThrow(
      /line 70001: the header names a column "paid_AT"/,
    );
    expect(dump('transactions')).toEqual(before);
    // A good header cut by the edge of those 64 KiB is read whole by the parser.
    expect(transactionsSnapshotWith('\n'.repeat(65_530), null)().files['transactions.csv']).toMatchObject({ read: 2 });
  });

  it('an erased account goes, and rows of later files that still name it are refused as unknown references', () => {
    baseline();
    const s = importAs('snapshot', {
      users: { rows: [user('u1'), user('u3')] },
      consents: { rows: [consent('u1', '2026-01-01'), consent('u2', '2026-01-01')] },
    });
    expect(ids('users')).toEqual(['u1', 'u3']);
    expect(s.files['users.jsonl']!.removed).toBe(1);
    expect(listQuarantine(db, { runId: s.runId, offset: 0, limit: 10 }).map((q) => [q.file, q.reason])).toEqual([
      ['consents.jsonl', 'unknown_reference'],
    ]);
    // Not "bad content" whose previous version is kept: what the row names is gone, so its old version goes too.
    expect(ids('consents', 'user_id')).toEqual(['u1']);
  });

  it('takes an erased account’s rows in the tables it does not carry with it, so none names nobody', () => {
    baseline();
    const [flag] = seedFlags(db, ['u2']); // a flag moderation opened on u2: the console's, not the mirror's
    const s = importAs('snapshot', { users: { rows: [user('u1'), user('u3')] } }); // u2 erased upstream
    expect(s.erasedRows).toEqual({ consents: 1, exposures: 1, transactions: 1, blocks: 1 });
    expect(s.erasedFlagged).toBe(1); // said, since the flag leaves the queues with the account
    expect(db.prepare('SELECT state FROM flags WHERE id = ?').pluck().get(flag)).toBe('open');
    expect(s.totals.removed).toBe(5); // u2 and four rows naming u2
    expect(ids('consents', 'user_id')).toEqual(['u1']);
    expect(ids('transactions')).toEqual(['t1']);
    expect(ids('blocks', 'blocker_id')).toEqual([]);
    // Only the console's own record still names u2.
    expect(db.pragma('foreign_key_check')).toEqual([
      expect.objectContaining({ table: 'flags', rowid: flag, parent: 'users' }),
    ]);
    expect(keptRowCounts(db).get('transactions')).toBe(1);
    expect(listImportRuns(db, 1)[0]!.summary.erasedRows).toEqual(s.erasedRows);
    // An export that erases nobody reports nothing.
    expect(importAs('snapshot', { users: { rows: [user('u1'), user('u3')] } })).toMatchObject({
      erasedRows: {},
      erasedFlagged: 0,
    });
  });

  it('takes an erased user’s key with it; the same id coming back gets a new key, never the old one', () => {
    baseline();
    const keyOf = (id: string) =>
      db.prepare('SELECT key FROM user_keys WHERE id = ?').pluck().get(id) as number | undefined;
    const [k1, k2, k3] = ['u1', 'u2', 'u3'].map(keyOf);
    expect(new Set([k1, k2, k3]).size).toBe(3);
    importAs('snapshot', { users: { rows: [user('u1'), user('u3')] } }); // u2 erased upstream
    expect(keyOf('u2')).toBeUndefined();
    expect([keyOf('u1'), keyOf('u3')]).toEqual([k1, k3]); // the others keep theirs
    // u2 again (an account reopened under the same id): a new key, so nothing of the erased one can attach to it.
    importAs('increment', {
      users: { rows: [user('u2')] },
      transactions: { rows: [transaction('t5', 'u2', 'm1')] },
    });
    expect(keyOf('u2')).toBeGreaterThan(Math.max(k1!, k2!, k3!));
    expect(db.prepare('SELECT user_key FROM transactions WHERE id = ?').pluck().get('t5')).toBe(keyOf('u2'));
    expect(db.prepare(exportedRowsSql('transactions', 'ORDER BY id')).all()).toMatchObject([
      { id: 't1', user_id: 'u1' },
      { id: 't5', user_id: 'u2' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('takes an erased merchant’s key with it and the payments naming it; the id coming back gets a new key', () => {
    baseline();
    const keyOf = (id: string) =>
      db.prepare('SELECT key FROM merchant_keys WHERE id = ?').pluck().get(id) as number | undefined;
    const [k1, k2] = ['m1', 'm2'].map(keyOf);
    expect(k1).not.toBe(k2);
    const s = importAs('snapshot', { merchants: { rows: [merchant('m1')] } }); // m2 erased upstream
    expect(keyOf('m2')).toBeUndefined();
    expect(keyOf('m1')).toBe(k1);
    expect(s.erasedRows).toMatchObject({ transactions: 1 });
    expect(db.prepare(exportedRowsSql('transactions', 'ORDER BY id')).all()).toMatchObject([
      { id: 't1', merchant_id: 'm1' },
    ]);
    // m2 again (a shop reopened under the same id): a new key, so nothing of the erased one can attach to it.
    importAs('increment', {
      merchants: { rows: [merchant('m2')] },
      transactions: { rows: [transaction('t6', 'u1', 'm2')] },
    });
    expect(keyOf('m2')).toBeGreaterThan(Math.max(k1!, k2!));
    expect(db.prepare('SELECT merchant_key FROM transactions WHERE id = ?').pluck().get('t6')).toBe(keyOf('m2'));
    expect(db.prepare(exportedRowsSql('transactions', 'ORDER BY id')).all()).toMatchObject([
      { id: 't1', merchant_id: 'm1' },
      { id: 't6', merchant_id: 'm2' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('keeps the previous version of a row refused for its content when its key can be read', () => {
    baseline();
    const s = importAs('snapshot', {
      users: { rows: [user('u1', { nickname: 'x'.repeat(41) }), user('u2'), user('u3')] },
      transactions: { rows: [transaction('t1', 'u1', 'm1', { amount_fen: -5 }), transaction('t2', 'u2', 'm2')] },
    });
    expect(s.totals.quarantined).toBe(2);
    expect(db.prepare('SELECT nickname FROM users WHERE id = ?').pluck().get('u1')).toBe('nick u1');
    expect(db.prepare('SELECT amount_fen FROM transactions WHERE id = ?').pluck().get('t1')).toBe(1500);
    expect(s.files['transactions.jsonl']).toMatchObject({ read: 2, quarantined: 1, removed: 0, removalsWithheld: 0 });
  });

  it('keeps a user whose line is not JSON but names its id, with everything of theirs, and still removes the absent', () => {
    baseline();
    const line = JSON.stringify(user('u2'));
    const broken = [
      line.replace('"nick u2"', '"nick \\q u2"'), // a bad escape
      line.replace('}', ',}'), // a trailing comma
      line.replace('"nick u2"', 'NaN'), // not a JSON value
      line.slice(0, line.indexOf('"nickname"') + 14), // cut inside a later field
    ];
    for (const bad of broken) {
      const s = importAs('snapshot', {
        users: { rows: [user('u1'), bad] }, // u3 is absent: erased upstream
        consents: { rows: [consent('u1', '2026-01-01'), consent('u2', '2026-01-01')] },
        transactions: { rows: [transaction('t1', 'u1', 'm1'), transaction('t2', 'u2', 'm2')] },
      });
      expect(s.files['users.jsonl']).toMatchObject({ quarantined: 1, removed: 1, removalsWithheld: 0 });
      expect(ids('users')).toEqual(['u1', 'u2']);
      expect(ids('consents', 'user_id')).toEqual(['u1', 'u2']);
      expect(ids('transactions')).toEqual(['t1', 't2']);
      expect(s.totals.quarantined).toBe(1);
      // Where the line breaks, never the line itself (a nickname may be a real name).
      expect(listQuarantine(db, { runId: s.runId, offset: 0, limit: 1 })[0]!.message).toMatch(
        /^users\.jsonl line 2: not valid JSON \(breaks at character \d+\)$/,
      );
      importAs('snapshot', { users: { rows: [user('u1'), user('u2'), user('u3')] } }); // u3 back for the next case
    }
  });

  it('removes nothing from a file with a refused line whose key cannot be read, saying so', () => {
    baseline();
    const noId = transaction('t2', 'u2', 'm2');
    delete noId.id;
    const s = importAs('snapshot', {
      users: { rows: [user('u1'), '{"id":"u', user('u2')] }, // u3 absent, and a line cut inside its id
      transactions: { rows: [transaction('t1', 'u1', 'm1'), noId] },
    });
    // Which users row the cut line was cannot be told: u3 stays rather than risk deleting a user the file holds.
    expect(ids('users')).toEqual(['u1', 'u2', 'u3']);
    expect(s.files['users.jsonl']).toMatchObject({ quarantined: 1, removed: 0, removalsWithheld: 1 });
    expect(ids('transactions')).toEqual(['t1', 't2']);
    expect(s.files['transactions.jsonl']).toMatchObject({ quarantined: 1, removed: 0, removalsWithheld: 1 });
    expect(listImportRuns(db, 1)[0]!.summary.files!['users.jsonl']).toMatchObject({ removalsWithheld: 1 });
    // The next whole snapshot makes the removals.
    const next = importAs('snapshot', { users: { rows: [user('u1'), user('u2')] } });
    expect(next.files['users.jsonl']).toMatchObject({ removed: 1, removalsWithheld: 0 });
    expect(ids('users')).toEqual(['u1', 'u2']);
  });

  it('removes nothing from a file whose refused line names its key twice: which row it is cannot be told', () => {
    baseline();
    // Two ids in one object: JSON.parse keeps u2, but the writer may have meant u3 — neither may be deleted for it.
    const twice = JSON.stringify(user('u2')).replace('"id":"u2"', '"id":"u3","id":"u2"');
    const escaped = JSON.stringify(user('u2')).replace('"id":"u2"', '"id":"u3","\\u0069d":"u2"');
    for (const line of [twice, escaped]) {
      const s = importAs('snapshot', { users: { rows: [user('u1'), line] } });
      expect(s.files['users.jsonl']).toMatchObject({ quarantined: 1, removed: 0, removalsWithheld: 1 });
      expect(ids('users')).toEqual(['u1', 'u2', 'u3']);
    }
    // A repeated field that is not the key leaves the key readable: the refused row stands, the absent one goes.
    const nick = JSON.stringify(user('u2')).replace('"id":"u2"', '"id":"u2","nickname":"a"');
    const s = importAs('snapshot', { users: { rows: [user('u1'), nick] } });
    expect(s.files['users.jsonl']).toMatchObject({ quarantined: 1, removed: 1, removalsWithheld: 0 });
    expect(ids('users')).toEqual(['u1', 'u2']);
  });

  it('reads the key of a CSV record whose quote never closes from the cells before the quote', () => {
    baseline();
    const T = platformIsoTime('2026-11-01', '08:30:00');
    const transfer = (id: string, memo: string) => ({
      id,
      from_user: 'u1',
      to_user: 'u2',
      amount_fen: 100,
      paid_at: T,
      memo,
    });
    importAs('snapshot', { transfers: { rows: [transfer('x1', 'rent'), transfer('x2', 'tea')], format: 'csv' } });
    const s = importAs('snapshot', {
      transfers: { rows: [`x1,u1,u2,100,${T},"rent again`, `x3,u1,u2,100,${T},lunch`], format: 'csv' },
    });
    expect(s.files['transfers.csv']).toMatchObject({ quarantined: 1, removed: 1, removalsWithheld: 0 });
    expect(ids('transfers')).toEqual(['x1', 'x3']);
    expect(db.prepare('SELECT memo FROM transfers WHERE id = ?').pluck().get('x1')).toBe('rent');
  });

  it('whose file holds another row count than its manifest declares is refused whole, nothing changed', () => {
    baseline();
    const before = ['users', 'consents', 'exposures', 'blocks', 'quarantine'].map(dump);
    let error: unknown;
    try {
      importAs('snapshot', {
        users: { rows: [user('u1', { nickname: 'changed' }), user('u2'), user('u3')] },
        // A file cut short: it would withdraw u2's consent.
        consents: { rows: [consent('u1', '2026-01-01'), 'not json'], countDelta: 1 },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      code: 'MANIFEST_MISMATCH',
      message: expect.stringMatching(/consents\.jsonl: the manifest declares 3 rows, the file holds 2/),
      details: { say: { id: 'manifestMismatch', params: { file: 'consents.jsonl', declared: 3, read: 2 } } },
    });
    expect(['users', 'consents', 'exposures', 'blocks', 'quarantine'].map(dump)).toEqual(before);
    expect(db.prepare('SELECT nickname FROM users WHERE id = ?').pluck().get('u1')).toBe('nick u1');
    expect(listImportRuns(db, 1)[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('consents') });
  });

  it('must declare a row count for every file it carries', () => {
    baseline();
    const dir = path.join(root, 'undeclared');
    writeExport(
      dir,
      { exportId: 'undeclared', exportedAt: at(50), kind: 'snapshot' },
      { users: { rows: [user('u1')] } },
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: object };
    manifest.files = {};
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    // Refused before a row is read: the message claims no count of the file's rows.
    expect(() => importExport(db, dir, { operator: 'ops' })).toThrow(
      expect.objectContaining({
        code: 'MANIFEST_MISMATCH',
        message:
          'users.jsonl: the manifest declares no row count for it; a snapshot deletes what its files lack, so it must declare every file’s count to show them whole: nothing was imported',
      }),
    );
    expect(ids('users')).toEqual(['u1', 'u2', 'u3']);
  });
});

describe('an increment', () => {
  it('only upserts, and reports a file whose count differs from the manifest as a warning', () => {
    baseline();
    const s = importAs('increment', {
      consents: { rows: [consent('u3', '2026-02-01')], countDelta: 2 },
      blocks: { rows: [] },
    });
    expect(ids('consents', 'user_id')).toEqual(['u1', 'u2', 'u3']);
    expect(ids('blocks', 'blocker_id')).toEqual(['u1']);
    expect(s.totals.removed).toBe(0);
    expect(s.manifestMismatches).toEqual([{ file: 'consents.jsonl', declared: 3, read: 1 }]);
  });
});

describe('a field left out', () => {
  it('is not null: an increment without revoked_at does not restore a withdrawn consent, nor one without phone erase it', () => {
    baseline();
    importAs('increment', {
      users: { rows: [user('u1', { phone: '13800001111' })] },
      consents: { rows: [consent('u1', '2026-01-01', '2026-02-01')] },
    });
    const { revoked_at: _, ...withoutRevoked } = consent('u1', '2026-01-01');
    const withoutPhone = user('u1', { nickname: 'renamed' });
    delete withoutPhone.phone;
    const s = importAs('increment', {
      users: { rows: [withoutPhone] },
      consents: { rows: [withoutRevoked] },
    });
    expect(
      listQuarantine(db, { runId: s.runId, offset: 0, limit: 10 }).map((q) => [q.file, q.field, q.reason, q.message]),
    ).toEqual([
      ['consents.jsonl', 'revoked_at', 'missing_field', expect.stringContaining('revoked_at is missing')],
      [
        'users.jsonl',
        'phone',
        'missing_field',
        expect.stringContaining('phone is missing (it may be null, but must be written'),
      ],
    ]);
    expect(db.prepare('SELECT revoked_at FROM consents WHERE user_id = ?').pluck().get('u1')).not.toBeNull();
    expect(db.prepare('SELECT phone, nickname FROM users WHERE id = ?').get('u1')).toEqual({
      phone: '13800001111',
      nickname: 'nick u1',
    });
    // Written as null, it is null.
    importAs('increment', { consents: { rows: [consent('u1', '2026-01-01', null)] } });
    expect(db.prepare('SELECT revoked_at FROM consents WHERE user_id = ?').pluck().get('u1')).toBeNull();
  });
});

describe('the order of exports', () => {
  it('refuses an older export, and one as old with another id, naming both; --allow-older imports it, audited with the reason', () => {
    baseline(); // export e1 at minute 1
    importAs(
      'increment',
      { users: { rows: [user('u1', { status: 'suspended' })] } },
      { exportId: 'newer', minute: 30 },
    );
    const older = () =>
      importAs('increment', { users: { rows: [user('u1', { status: 'active' })] } }, { exportId: 'older', minute: 20 });
    expect(older).toThrow(
      expect.objectContaining({
        code: 'STALE_EXPORT',
        message: expect.stringMatching(/export "older" .* is older than export "newer" .*imported by run 2/),
      }),
    );
    expect(() => importAs('increment', { users: { rows: [] } }, { exportId: 'same-time', minute: 30 })).toThrow(
      expect.objectContaining({ code: 'STALE_EXPORT', message: expect.stringContaining('is as old as') }),
    );
    expect(db.prepare('SELECT status FROM users WHERE id = ?').pluck().get('u1')).toBe('suspended');

    const s = importAs(
      'increment',
      { users: { rows: [user('u1', { status: 'active' })] } },
      { exportId: 'older', minute: 20, allowOlder: 'upstream re-sent the fix for a wrong suspension' },
    );
    expect(s.allowedOlder).toMatchObject({ newerExportId: 'newer' });
    expect(db.prepare('SELECT status FROM users WHERE id = ?').pluck().get('u1')).toBe('active');
    const audit = listAudit(db, 20);
    expect(audit.find((a) => a.action === 'import.allow_older')).toMatchObject({
      operator: 'ops',
      details: { reason: 'upstream re-sent the fix for a wrong suspension', newerExportId: 'newer', exportId: 'older' },
    });
    expect(audit.filter((a) => a.action === 'import.refuse')).toHaveLength(2);
  });

  it('refuses an export stamped more than a day ahead of this machine’s clock, which would make all later ones stale', () => {
    baseline();
    const dir = path.join(root, 'future');
    writeExport(
      dir,
      { exportId: 'future', exportedAt: '2099-01-01T04:00:00+08:00', kind: 'increment' },
      {
        users: { rows: [user('u1', { status: 'suspended' })] },
      },
    );
    expect(() => importExport(db, dir, { operator: 'ops' })).toThrow(
      expect.objectContaining({ code: 'BAD_EXPORT', message: expect.stringContaining('more than a day ahead') }),
    );
    expect(db.prepare('SELECT status FROM users WHERE id = ?').pluck().get('u1')).toBe('active');
    // A few hours ahead (a platform day that began east of this machine) is taken.
    const soon = new Date(Date.now() + 6 * 3600_000).toISOString();
    writeExport(dir, { exportId: 'soon', exportedAt: soon, kind: 'increment' }, { users: { rows: [] } });
    expect(importExport(db, dir, { operator: 'ops' }).status).toBe('completed');
  });

  it('imports the same export_id again as a no-op: nothing read, no run recorded', () => {
    const first = baseline();
    const runs = listImportRuns(db, 10).length;
    const again = importExport(db, lastDir, { operator: 'ops' });
    expect(again).toMatchObject({ alreadyImportedBy: first.runId, runId: first.runId, totals: { read: 0 } });
    expect(listImportRuns(db, 10)).toHaveLength(runs);
    expect(listAudit(db, 1)[0]).toMatchObject({ action: 'import.repeat', subject: first.exportId });
  });
});

describe('an import that waited for the write lock while another committed', () => {
  /**
   * Two imports of one mirror (the CLI beside the console, two operators): each checks the order before it has the
   * write lock. `during` runs as the first reaches for that lock — the moment the other could commit — on a second
   * connection to the same file.
   */
  function importWhile(dir: string, during: (other: Db) => void) {
    const other = openDatabase(path.join(root, 'mirror.db'));
    try {
      return importExport(db, dir, {
        operator: 'ops',
        progress: {
          report: (phase) => {
            if (phase === WAITING_FOR_MIRROR) during(other);
          },
          throwIfCancelled() {},
        },
      });
    } finally {
      other.close();
    }
  }
  const exportDir = (name: string, minute: number, files: Record<string, TestFile>) => {
    const dir = path.join(root, name);
    writeExport(dir, { exportId: name, exportedAt: at(minute), kind: 'increment' }, files);
    return dir;
  };

  it('refuses an export a newer one overtook, writing none of its rows', () => {
    baseline();
    const older = exportDir('older', 20, { users: { rows: [user('u1', { status: 'active' })] } });
    const newer = exportDir('newer', 30, { users: { rows: [user('u1', { status: 'suspended' })] } });
    expect(() => importWhile(older, (other) => importExport(other, newer, { operator: 'lead' }))).toThrow(
      expect.objectContaining({ code: 'STALE_EXPORT', message: expect.stringContaining('older than export "newer"') }),
    );
    expect(db.prepare('SELECT status FROM users WHERE id = ?').pluck().get('u1')).toBe('suspended');
    // Newest run first: the waiting one (run 2) started before the one that overtook it (run 3).
    expect(listImportRuns(db, 10).map((r) => [r.id, r.exportId, r.status])).toEqual([
      [3, 'newer', 'completed'],
      [2, 'older', 'failed'],
      [1, 'e1', 'completed'],
    ]);
  });

  it('refuses the same export imported meanwhile, applying it once', () => {
    baseline();
    const dir = exportDir('twice', 20, { transactions: { rows: [transaction('t9', 'u1', 'm1')] } });
    expect(() => importWhile(dir, (other) => importExport(other, dir, { operator: 'lead' }))).toThrow(
      expect.objectContaining({ code: 'ALREADY_IMPORTED', message: expect.stringMatching(/imported by run 3 while/) }),
    );
    expect(listImportRuns(db, 10).map((r) => [r.id, r.exportId, r.status])).toEqual([
      [3, 'twice', 'completed'],
      [2, 'twice', 'failed'],
      [1, 'e1', 'completed'],
    ]);
    expect(ids('transactions')).toEqual(['t1', 't2', 't9']);
    expect(listAudit(db, 1)[0]).toMatchObject({ action: 'import.fail', details: { code: 'ALREADY_IMPORTED' } });
  });

  it('imports an older export the operator allowed, auditing the allowance it needed only once it waited', () => {
    baseline();
    const newer = exportDir('newer', 30, { users: { rows: [] } });
    const s = importExport(db, exportDir('first', 20, { users: { rows: [] } }), {
      operator: 'ops',
      allowOlder: 'not needed: nothing newer is in',
    });
    expect(s.allowedOlder).toBeNull();
    const again = exportDir('resent', 25, { users: { rows: [user('u1', { status: 'active' })] } });
    const other = openDatabase(path.join(root, 'mirror.db'));
    try {
      const waited = importExport(db, again, {
        operator: 'ops',
        allowOlder: 'a re-sent correction',
        progress: {
          report: (phase) => {
            if (phase === WAITING_FOR_MIRROR) importExport(other, newer, { operator: 'lead' });
          },
          throwIfCancelled() {},
        },
      });
      expect(waited.allowedOlder).toMatchObject({ newerExportId: 'newer', reason: 'a re-sent correction' });
    } finally {
      other.close();
    }
    expect(listAudit(db, 20).filter((a) => a.action === 'import.allow_older')).toHaveLength(1);
  });
});

describe('bad input and audit', () => {
  it('refuses a NUL escaped in a JSON string, naming the field', () => {
    const s = importAs('increment', {
      users: { rows: [user('u1', { nickname: 'a\u0000b' }), user('u2'), '{"id":"u\\u0000"}'] },
    });
    expect(
      listQuarantine(db, { runId: s.runId, offset: 0, limit: 10 }).map((q) => [q.line, q.field, q.reason]),
    ).toEqual([
      [1, 'nickname', 'bad_json'],
      [3, 'id', 'bad_json'],
    ]);
    expect(ids('users')).toEqual(['u2']);
  });

  it('writes audit rows for the start and the end of an import, in the operator’s name', () => {
    const s = baseline();
    const rows = listAudit(db, 10).filter((a) => a.subject === String(s.runId));
    expect(rows.map((a) => [a.action, a.operator])).toEqual([
      ['import.complete', 'ops'],
      ['import.start', 'ops'],
    ]);
  });
});
