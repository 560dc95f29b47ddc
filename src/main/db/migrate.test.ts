import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp';
import { NEW_FILE_PAGE_SIZE, openDatabase } from './database';
import { latestSchemaVersion, migrate, SchemaTooNewError, SchemaTooOldError, schemaVersion } from './migrate';
import type { Migration } from './migrations/migration';
import { migrations } from './migrations';
import { exportPendingDecisions } from '../moderation/decisions';
import { exportPendingAudit } from '../outbox/audit-file';
import { decisionsFileName } from '../outbox/decisions-file';
import { rangeFileName } from '../outbox/range-export';
import { mirrorStatus } from '../mirror/status';
import { platformDayOf } from '../../shared/domain/platform-time';

function schemaOf(db: Database.Database): string[] {
  return db
    .prepare(`SELECT type || ' ' || name || ': ' || coalesce(sql, '') AS s FROM sqlite_schema ORDER BY type, name`)
    .pluck()
    .all() as string[];
}

describe('migrations', () => {
  const dir = tempDir();

  it.each(migrations.map((m) => m.version - 1))(
    'a database at version %i migrates forward to the same schema as a fresh one',
    (from) => {
      const fresh = new Database(path.join(dir, `fresh-${from}.db`));
      migrate(fresh);
      const old = new Database(path.join(dir, `old-${from}.db`));
      migrate(old, migrations, from);
      expect(schemaVersion(old)).toBe(from);
      migrate(old);
      expect(schemaVersion(old)).toBe(latestSchemaVersion());
      expect(schemaOf(old)).toEqual(schemaOf(fresh));
      fresh.close();
      old.close();
    },
  );

  it('a new file gets the mirror page size; an existing file keeps its own and still opens and migrates', () => {
    const fresh = openDatabase(path.join(dir, 'page-new.db'));
    expect(fresh.pragma('page_size', { simple: true })).toBe(NEW_FILE_PAGE_SIZE);
    expect(fresh.pragma('journal_mode', { simple: true })).toBe('wal');
    fresh.close();
    // A mirror written before the page size was chosen: 4 KiB pages, one migration applied.
    const oldFile = path.join(dir, 'page-old.db');
    const old = new Database(oldFile);
    old.pragma('page_size = 4096');
    migrate(old, migrations.slice(0, 1));
    old.close();
    const reopened = openDatabase(oldFile);
    expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
    expect(schemaVersion(reopened)).toBe(latestSchemaVersion());
    reopened.close();
  });

  it('every table of the schema is STRICT', () => {
    const db = new Database(':memory:');
    migrate(db);
    const tables = db
      .prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as { name: string; sql: string }[];
    expect(tables.length).toBeGreaterThan(5);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT/);
    db.close();
  });

  it('refuses a database written by a newer console and changes nothing', () => {
    const file = path.join(dir, 'newer.db');
    const db = new Database(file);
    db.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(SchemaTooNewError);
    const again = new Database(file);
    expect(schemaVersion(again)).toBe(latestSchemaVersion() + 1);
    expect(again.prepare(`SELECT count(*) FROM sqlite_schema`).pluck().get()).toBe(0);
    again.close();
  });

  it('a read-only open needs this console’s schema: an older one is refused, saying so, and left as it was', () => {
    const file = path.join(dir, 'older.db');
    const db = new Database(file);
    migrate(db, migrations, latestSchemaVersion() - 1);
    db.close();
    expect(() => openDatabase(file, { readonly: true })).toThrow(SchemaTooOldError);
    expect(() => openDatabase(file, { readonly: true })).toThrow(
      /schema version \d+, and this Encounter Console reads/,
    );
    // Status reports the version instead of refusing; a writing open migrates it, and then read-only opens are fine.
    const status = openDatabase(file, { readonly: true, anySchema: true });
    expect(schemaVersion(status)).toBe(latestSchemaVersion() - 1);
    status.close();
    openDatabase(file).close();
    const after = openDatabase(file, { readonly: true });
    expect(schemaVersion(after)).toBe(latestSchemaVersion());
    after.close();
  });

  it('a migration that fails leaves the database at the previous whole version', () => {
    const broken: Migration[] = [
      { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER) STRICT') },
      { version: 2, name: 'two', up: (db) => db.exec('CREATE TABLE b (x INTEGER) STRICT; CREATE TABLE a (y INTEGER)') },
    ];
    const db = new Database(':memory:');
    expect(() => migrate(db, broken)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'b'`).get()).toBeUndefined();
    db.close();
  });

  it('the audit log is append-only', () => {
    const db = openDatabase(path.join(dir, 'audit.db'));
    const cols = db.prepare(`PRAGMA table_info(audit_log)`).all() as { name: string; notnull: number; pk: number }[];
    const row: Record<string, unknown> = {};
    for (const c of cols) if (c.notnull && !c.pk) row[c.name] = c.name.endsWith('_at') ? '2026-11-25T00:00:00Z' : 'x';
    const names = Object.keys(row);
    db.prepare(`INSERT INTO audit_log (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`).run(row);
    expect(() => db.prepare(`UPDATE audit_log SET ${names[0]} = 'y'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
    db.close();
  });

  it('007: decisions made before the outbox ledger count as exported (they went out after each decision), new ones do not', () => {
    const file = path.join(dir, 'ledger.db');
    const old = new Database(file);
    migrate(old, migrations, 6);
    old.exec(`INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
              VALUES ('u1', 'n', 1, 'F', 'any', 1990, 'c', 0, 'active')`);
    const insert = old.prepare(
      `INSERT INTO decisions (user_id, action, reason_code, operator, role, decided_at) VALUES ('u1', 'warn', 'spam_confirmed', 'ann', 'reviewer', 0)`,
    );
    insert.run();
    insert.run();
    migrate(old);
    expect(
      old
        .prepare(`SELECT from_decision, to_decision, written_at IS NOT NULL AS written FROM outbox_decision_files`)
        .all(),
    ).toEqual([{ from_decision: 1, to_decision: 2, written: 1 }]);
    insert.run();
    old.close();
    const db = openDatabase(file);
    const outbox = path.join(dir, 'ledger-outbox');
    expect(exportPendingDecisions(db, outbox)).toMatchObject({ decisions: 1 });
    expect(fs.readdirSync(outbox)).toEqual([decisionsFileName(3, 3)]);
    db.close();
  });

  it('007 on a mirror without decisions starts an empty ledger', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(db.prepare(`SELECT count(*) FROM outbox_decision_files`).pluck().get()).toBe(0);
    db.close();
  });
});

describe('migration 11: the audit trail in the outbox ledger', () => {
  it('starts an empty ledger, so the first export carries the whole trail kept before it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'm10.db');
    const old = new Database(file);
    migrate(old, migrations, 10);
    const insert = old.prepare(
      `INSERT INTO audit_log (at, operator, action, subject, details) VALUES ('2026-11-30T00:00:00Z', 'ann', ?, NULL, '{}')`,
    );
    insert.run('import.start');
    insert.run('match.start');
    migrate(old);
    expect(old.prepare(`SELECT count(*) FROM outbox_audit_files`).pluck().get()).toBe(0);
    old.close();
    const db = openDatabase(file);
    const outbox = path.join(dir, 'outbox');
    expect(exportPendingAudit(db, outbox)).toMatchObject({ rows: 2, resent: [] });
    expect(fs.readdirSync(outbox)).toEqual([rangeFileName('audit', 1, 2)]);
    db.close();
  });
});

describe('migration 12: mirror facts kept', () => {
  it('keeps the newest payment already in the mirror, and the status reads it without a scan', () => {
    const dir = tempDir();
    const file = path.join(dir, 'm11.db');
    const old = new Database(file);
    migrate(old, migrations, 11);
    old.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active');
      INSERT INTO merchants (id, name, category, channel, city, price_level) VALUES ('m', 'M', 'cafe', 'offline', 'Hangzhou', 2);
      INSERT INTO transactions (id, user_id, merchant_id, amount_fen, paid_at, paid_tz)
        VALUES ('t1', 'a', 'm', 100, 1764000000, 480), ('t2', 'a', 'm', 100, 1764090000, 480);
    `);
    migrate(old);
    expect(old.prepare(`SELECT value FROM mirror_facts WHERE name = 'newest_paid_at'`).pluck().get()).toBe(1764090000);
    old.close();
    const db = openDatabase(file);
    expect(mirrorStatus(db, file).dataEnds).toBe(platformDayOf(1764090000));
    db.close();
  });

  it('keeps NULL on a mirror without payments', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(db.prepare(`SELECT value FROM mirror_facts WHERE name = 'newest_paid_at'`).pluck().get()).toBeNull();
    db.close();
  });
});

describe('migration 13: contact handles of assessed accounts', () => {
  it('adds an empty flag_handles table, keyed by handle and account, over a mirror at version 12', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 12);
    migrate(db, migrations, 13);
    expect(db.pragma('user_version', { simple: true })).toBe(13);
    expect(db.prepare(`SELECT count(*) FROM flag_handles`).pluck().get()).toBe(0);
    db.exec(`INSERT INTO flag_handles (handle_key, kind, user_id) VALUES ('k', 'wechat', 'a')`);
    expect(() => db.exec(`INSERT INTO flag_handles (handle_key, kind, user_id) VALUES ('k', 'wechat', 'a')`)).toThrow(
      /UNIQUE/,
    );
    db.close();
  });
});

describe('migration 8: one open assessment per account', () => {
  const dir = tempDir();

  it("merges an account's second open flag into the one a reviewer touched last, keeping both rows", () => {
    const db = new Database(path.join(dir, 'm7.db'));
    migrate(db, migrations, 7);
    db.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active'), ('b', 'B', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active');
      INSERT INTO detect_runs (id, started_at, status) VALUES (1, 0, 'completed');
      INSERT INTO flags (id, user_id, detector, detector_version, score, reasons, evidence, first_detected_at, detected_at, run_id)
        VALUES (1, 'a', 'micro_seller', 2, 0.9, '[]', '{}', 0, 0, 1),
               (2, 'a', 'spammer', 1, 0.6, '[]', '{}', 0, 0, 1),
               (3, 'b', 'micro_seller', 2, 0.7, '[]', '{}', 0, 0, 1);
      INSERT INTO decisions (user_id, flag_id, action, reason_code, operator, role, decided_at)
        VALUES ('a', 2, 'escalate', 'needs_lead_review', 'ann', 'reviewer', 5);
    `);
    migrate(db);
    const rows = db.prepare(`SELECT id, state, merged_into, reach FROM flags ORDER BY id`).all();
    expect(rows).toEqual([
      { id: 1, state: 'resolved', merged_into: 2, reach: 0 },
      { id: 2, state: 'open', merged_into: null, reach: 0 },
      { id: 3, state: 'open', merged_into: null, reach: 0 },
    ]);
    expect(() =>
      db
        .prepare(
          `INSERT INTO flags (user_id, detector, detector_version, score, reasons, evidence, first_detected_at, detected_at, run_id) VALUES ('b', 'spammer', 3, 0.5, '[]', '{}', 0, 0, 1)`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
    db.close();
  });
});

describe('migration 9: row counts kept', () => {
  const dir = tempDir();

  it('starts from the rows already there, and triggers keep the console tables counted', () => {
    const db = new Database(path.join(dir, 'm8.db'));
    migrate(db, migrations, 8);
    db.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active'), ('b', 'B', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active');
      INSERT INTO import_runs (export_dir, operator, started_at, status) VALUES ('/x', 'ann', '2026-11-24T00:00:00Z', 'running');
    `);
    migrate(db);
    const kept = (t: string): unknown => db.prepare(`SELECT rows FROM row_counts WHERE table_name = ?`).pluck().get(t);
    expect([kept('users'), kept('transactions'), kept('import_runs'), kept('audit_log')]).toEqual([2, 0, 1, 0]);
    db.exec(`INSERT INTO import_runs (export_dir, operator, started_at, status) VALUES ('/y', 'ann', '2026-11-24T00:00:00Z', 'running');
      INSERT INTO quarantine (import_run_id, file, line, reason, message, raw) VALUES (1, 'users.jsonl', 3, 'invalid_json', 'm', 'r');`);
    expect([kept('import_runs'), kept('quarantine')]).toEqual([2, 1]);
    db.exec(`DELETE FROM quarantine`);
    expect(kept('quarantine')).toBe(0);
    db.close();
  });
});

describe('migration 14: upstream row ids kept unique by an index', () => {
  const TABLES = ['transactions', 'transfers', 'greetings', 'reports'] as const;
  it('keeps every row with its rowid and every other index; the id stays unique, and upserts on it still work', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 13);
    db.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active'), ('b', 'B', 1, 'M', 'F', 1991, 'Hangzhou', 0, 'active');
      INSERT INTO merchants (id, name, category, channel, city, price_level) VALUES ('m', 'M', 'cafe', 'offline', 'Hangzhou', 2);
      INSERT INTO transactions (rowid, id, user_id, merchant_id, amount_fen, paid_at, paid_tz)
        VALUES (7, 't1', 'a', 'm', 100, 1764000000, 480), (3, 't2', 'b', 'm', 250, 1764090000, -300);
      INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo)
        VALUES ('x1', 'a', 'b', 100, 1764000000, 480, 'rent, "November"');
      INSERT INTO greetings (id, from_user, to_user, sent_at, sent_tz, text, replied_at)
        VALUES ('g1', 'a', 'b', 1764000000, 480, 'hi', NULL), ('g2', 'b', 'a', 1764000100, 480, 'hello', 1764000200);
      INSERT INTO reports (id, reporter_id, reported_id, created_at, reason, text) VALUES ('r1', 'a', 'b', 1764000000, 'spam', '');
    `);
    const rows = (t: string) => db.prepare(`SELECT rowid, * FROM ${t} ORDER BY rowid`).all();
    const otherIndexes = () =>
      db
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
        .all()
        .filter((i) => !/_id$/.test((i as { name: string }).name));
    const before = Object.fromEntries(TABLES.map((t) => [t, rows(t)]));
    const indexesBefore = otherIndexes();
    migrate(db, migrations, 14);
    expect(db.pragma('user_version', { simple: true })).toBe(14);
    expect(Object.fromEntries(TABLES.map((t) => [t, rows(t)]))).toEqual(before);
    expect(otherIndexes()).toEqual(indexesBefore);
    for (const t of TABLES) {
      const list = db.pragma(`index_list(${t})`) as { name: string; unique: number; origin: string }[];
      expect(list.filter((i) => i.unique === 1)).toEqual([expect.objectContaining({ name: `${t}_id`, origin: 'c' })]);
      expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(t)).toMatch(/\) STRICT$/);
    }
    expect(() =>
      db.exec(
        `INSERT INTO transactions (id, user_id, merchant_id, amount_fen, paid_at, paid_tz) VALUES ('t1', 'a', 'm', 1, 1, 0)`,
      ),
    ).toThrow(/UNIQUE constraint failed: transactions.id/);
    db.exec(`INSERT INTO transactions (id, user_id, merchant_id, amount_fen, paid_at, paid_tz) VALUES ('t1', 'a', 'm', 999, 1, 0)
             ON CONFLICT (id) DO UPDATE SET amount_fen = excluded.amount_fen`);
    expect(db.prepare(`SELECT rowid, amount_fen FROM transactions WHERE id = 't1'`).get()).toEqual({
      rowid: 7,
      amount_fen: 999,
    });
    // Foreign keys still hold on the rebuilt tables.
    db.pragma('foreign_keys = ON');
    expect(() =>
      db.exec(
        `INSERT INTO greetings (id, from_user, to_user, sent_at, sent_tz, text) VALUES ('g3', 'a', 'nobody', 1, 0, '')`,
      ),
    ).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});

describe('migration 15: exposures kept unique by an index', () => {
  it('keeps every exposure; the (user, place) pair stays unique, upserts on it still work, foreign keys hold', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 14);
    db.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active'), ('b', 'B', 1, 'M', 'F', 1991, 'Hangzhou', 0, 'active');
      INSERT INTO merchants (id, name, category, channel, city, price_level)
        VALUES ('m', 'M', 'cafe', 'offline', 'Hangzhou', 2), ('n', 'N', 'gym', 'offline', 'Hangzhou', 3);
      INSERT INTO exposures (user_id, merchant_id, level) VALUES ('b', 'm', 'place'), ('a', 'n', 'brand'), ('a', 'm', 'hidden');
    `);
    const rows = () =>
      db.prepare(`SELECT user_id, merchant_id, level FROM exposures ORDER BY user_id, merchant_id`).all();
    const before = rows();
    migrate(db, migrations, 15);
    expect(db.pragma('user_version', { simple: true })).toBe(15);
    expect(rows()).toEqual(before);
    const list = db.pragma('index_list(exposures)') as { name: string; unique: number; origin: string }[];
    expect(list).toEqual([expect.objectContaining({ name: 'exposures_key', unique: 1, origin: 'c' })]);
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'exposures'`).pluck().get()).toMatch(/\) STRICT$/);
    expect(() => db.exec(`INSERT INTO exposures (user_id, merchant_id, level) VALUES ('a', 'm', 'place')`)).toThrow(
      /UNIQUE constraint failed: exposures.user_id, exposures.merchant_id/,
    );
    db.exec(`INSERT INTO exposures (user_id, merchant_id, level) VALUES ('a', 'm', 'category')
             ON CONFLICT (user_id, merchant_id) DO UPDATE SET level = excluded.level`);
    expect(db.prepare(`SELECT level FROM exposures WHERE user_id = 'a' AND merchant_id = 'm'`).pluck().get()).toBe(
      'category',
    );
    // A user's exposures are found through the index (privacy/preview.ts).
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT merchant_id, level FROM exposures WHERE user_id = ?`).all('a');
    expect(JSON.stringify(plan)).toContain('exposures_key');
    db.pragma('foreign_keys = ON');
    expect(() =>
      db.exec(`INSERT INTO exposures (user_id, merchant_id, level) VALUES ('nobody', 'm', 'place')`),
    ).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});

/**
 * What a rebuilt transactions table must keep (migrations 016, 017): STRICT, the (user_key, paid_at) index the window
 * plan and the preview read through, and its unique row ids (`duplicate` inserts row id t1 again).
 */
function expectRebuiltTransactions(db: Database.Database, duplicate: string): void {
  expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'transactions'`).pluck().get()).toMatch(/\) STRICT$/);
  const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id FROM transactions WHERE user_key = ? ORDER BY paid_at').all(1);
  expect(JSON.stringify(plan)).toContain('transactions_user');
  expect(() => db.exec(duplicate)).toThrow(/UNIQUE constraint failed: transactions.id/);
}

describe('migration 16: transactions name their payer by an integer key', () => {
  it('gives every user a key, keeps every transaction with its rowid and its payer as that key; new users get keys', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 15);
    db.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('b', 'B', 1, 'M', 'F', 1991, 'Hangzhou', 0, 'active'), ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active'),
               ('c', 'C', 1, 'F', 'any', 1992, 'Hangzhou', 0, 'active');
      INSERT INTO merchants (id, name, category, channel, city, price_level) VALUES ('m', 'M', 'cafe', 'offline', 'Hangzhou', 2);
      INSERT INTO transactions (rowid, id, user_id, merchant_id, amount_fen, paid_at, paid_tz)
        VALUES (7, 't1', 'a', 'm', 100, 1764000000, 480), (3, 't2', 'b', 'm', 250, 1764090000, -300),
               (9, 't3', 'a', 'm', 5, 1764090001, 480);
    `);
    const before = db.prepare('SELECT rowid, * FROM transactions ORDER BY rowid').all();
    migrate(db, migrations, 16);
    expect(db.pragma('user_version', { simple: true })).toBe(16);
    // Every user has one key, distinct; the payer of each row is its user's key, the rest as it was.
    const keys = db.prepare('SELECT id, key FROM user_keys ORDER BY id').raw().all() as [string, number][];
    expect(keys.map(([id]) => id)).toEqual(['a', 'b', 'c']);
    expect(new Set(keys.map(([, key]) => key)).size).toBe(3);
    const after = db
      .prepare(
        `SELECT t.rowid, t.id, k.id AS user_id, t.merchant_id, t.amount_fen, t.paid_at, t.paid_tz
         FROM transactions t JOIN user_keys k ON k.key = t.user_key ORDER BY t.rowid`,
      )
      .all();
    expect(after).toEqual(before);
    expectRebuiltTransactions(
      db,
      `INSERT INTO transactions (id, user_key, merchant_id, amount_fen, paid_at, paid_tz) VALUES ('t1', 1, 'm', 1, 1, 0)`,
    );
    // A user inserted later gets a key above every earlier one; an update keeps the key.
    const maxKey = Math.max(...keys.map(([, key]) => key));
    db.exec(`INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
             VALUES ('0', 'Z', 1, 'M', 'any', 1993, 'Hangzhou', 0, 'active')`);
    db.exec(`INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
             VALUES ('a', 'A2', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active')
             ON CONFLICT (id) DO UPDATE SET nickname = excluded.nickname`);
    expect(db.prepare(`SELECT key FROM user_keys WHERE id = '0'`).pluck().get()).toBeGreaterThan(maxKey);
    expect(db.prepare(`SELECT key FROM user_keys WHERE id = 'a'`).pluck().get()).toBe(keys[0]![1]);
    // A statement's own conflict clause rules its trigger's too: REPLACE and FAIL must neither re-key nor refuse.
    db.exec(`INSERT OR REPLACE INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
             VALUES ('b', 'B2', 1, 'M', 'F', 1991, 'Hangzhou', 0, 'active')`);
    expect(db.prepare(`SELECT key FROM user_keys WHERE id = 'b'`).pluck().get()).toBe(keys[1]![1]);
    db.exec(`DELETE FROM users WHERE id = 'c'`); // its key stays (only an import removes keys, with the rows)
    db.exec(`INSERT OR FAIL INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
             VALUES ('c', 'C', 1, 'F', 'any', 1992, 'Hangzhou', 0, 'active')`);
    expect(db.prepare(`SELECT key FROM user_keys WHERE id = 'c'`).pluck().get()).toBe(keys[2]![1]);
    db.pragma('foreign_keys = ON');
    expect(() =>
      db.exec(
        `INSERT INTO transactions (id, user_key, merchant_id, amount_fen, paid_at, paid_tz) VALUES ('t9', 999, 'm', 1, 1, 0)`,
      ),
    ).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});

describe('migration 17: transactions name their merchant by an integer key', () => {
  it('gives every merchant a key, keeps every transaction with its rowid and its merchant as that key; new merchants get keys', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 16);
    db.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active'), ('b', 'B', 1, 'M', 'F', 1991, 'Hangzhou', 0, 'active');
      INSERT INTO merchants (id, name, category, channel, city, price_level)
        VALUES ('m2', 'M2', 'cafe', 'offline', 'Hangzhou', 2), ('0001', 'M1', 'cafe', 'offline', 'Hangzhou', 1),
               ('m3', 'M3', 'cafe', 'online', NULL, 3);
      INSERT INTO transactions (rowid, id, user_key, merchant_id, amount_fen, paid_at, paid_tz)
        VALUES (7, 't1', (SELECT key FROM user_keys WHERE id = 'a'), 'm2', 100, 1764000000, 480),
               (3, 't2', (SELECT key FROM user_keys WHERE id = 'b'), '0001', 250, 1764090000, -300),
               (9, 't3', (SELECT key FROM user_keys WHERE id = 'a'), 'm2', 5, 1764090001, 480);
    `);
    const before = db.prepare('SELECT rowid, * FROM transactions ORDER BY rowid').all();
    migrate(db, migrations, 17);
    expect(db.pragma('user_version', { simple: true })).toBe(17);
    const keys = db.prepare('SELECT id, key FROM merchant_keys ORDER BY id').raw().all() as [string, number][];
    expect(keys.map(([id]) => id)).toEqual(['0001', 'm2', 'm3']);
    expect(new Set(keys.map(([, key]) => key)).size).toBe(3);
    const after = db
      .prepare(
        `SELECT t.rowid, t.id, t.user_key, k.id AS merchant_id, t.amount_fen, t.paid_at, t.paid_tz
         FROM transactions t JOIN merchant_keys k ON k.key = t.merchant_key ORDER BY t.rowid`,
      )
      .all();
    expect(after).toEqual(before);
    expectRebuiltTransactions(
      db,
      `INSERT INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz) VALUES ('t1', 1, 1, 1, 1, 0)`,
    );
    // A merchant inserted later gets a key above every earlier one; an upsert or a REPLACE keeps the key.
    const maxKey = Math.max(...keys.map(([, key]) => key));
    db.exec(
      `INSERT INTO merchants (id, name, category, channel, price_level) VALUES ('!new', 'N', 'cafe', 'online', 1)`,
    );
    expect(db.prepare(`SELECT key FROM merchant_keys WHERE id = '!new'`).pluck().get()).toBeGreaterThan(maxKey);
    db.exec(`INSERT INTO merchants (id, name, category, channel, price_level) VALUES ('m2', 'M2b', 'cafe', 'offline', 2)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name`);
    db.exec(
      `INSERT OR REPLACE INTO merchants (id, name, category, channel, price_level) VALUES ('0001', 'M1b', 'cafe', 'offline', 1)`,
    );
    expect(
      db.prepare('SELECT id, key FROM merchant_keys WHERE id IN (?, ?) ORDER BY id').raw().all('0001', 'm2'),
    ).toEqual(keys.slice(0, 2));
    db.pragma('foreign_keys = ON');
    expect(() =>
      db.exec(
        `INSERT INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz) VALUES ('t9', 1, 999, 1, 1, 0)`,
      ),
    ).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});

describe("migration 18: a run's introductions found by either member", () => {
  it('files every stored introduction under both accounts, run by run, and drops the two indexes it replaces', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 17);
    db.exec(`
      INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
        VALUES ('a', 'A', 1, 'F', 'M', 1990, 'Hangzhou', 0, 'active'), ('b', 'B', 1, 'M', 'F', 1991, 'Hangzhou', 0, 'active'),
               ('c', 'C', 1, 'F', 'M', 1992, 'Hangzhou', 0, 'active');
      INSERT INTO match_runs (id, date, ruleset_version, ruleset, operator, started_at, status)
        VALUES (1, '2026-11-23', NULL, '{}', 'lin', '2026-11-23T00:00:00Z', 'superseded'),
               (2, '2026-11-23', NULL, '{}', 'lin', '2026-11-23T01:00:00Z', 'completed');
      INSERT INTO run_introductions (run_id, user_a, user_b, score, reasons, evidence)
        VALUES (1, 'a', 'b', 50, '[]', '{}'), (2, 'a', 'c', 60, '[]', '{}'), (2, 'b', 'c', 40, '[]', '{}');
    `);
    const introductions = db.prepare('SELECT * FROM run_introductions ORDER BY run_id, user_a').all();
    migrate(db, migrations, 18);
    expect(db.pragma('user_version', { simple: true })).toBe(18);
    expect(db.prepare('SELECT * FROM run_introductions ORDER BY run_id, user_a').all()).toEqual(introductions);
    expect(db.prepare('SELECT run_id, user_id, other_id FROM run_introduction_members').raw().all()).toEqual([
      [1, 'a', 'b'],
      [1, 'b', 'a'],
      [2, 'a', 'c'],
      [2, 'b', 'c'],
      [2, 'c', 'a'],
      [2, 'c', 'b'],
    ]);
    const indexes = db.pragma('index_list(run_introductions)') as { name: string; origin: string }[];
    expect(indexes.map((i) => i.origin)).toEqual(['pk']);
    db.pragma('foreign_keys = ON');
    expect(() => db.exec(`INSERT INTO run_introduction_members VALUES (3, 'a', 'b')`)).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
