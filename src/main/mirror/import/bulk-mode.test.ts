import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/database';
import { tempDir } from '../../testing/export-files';
import {
  dropKeyTrigger,
  dropSecondaryIndexes,
  INDEX_BUILD_CACHE_KIB,
  rebuildIndexes,
  restoreKeyTrigger,
  withLargerPageCache,
} from './bulk-mode';

let root: string;
let db: Db;
beforeEach(() => {
  root = tempDir();
  db = openDatabase(path.join(root, 'mirror.db'));
});
afterEach(() => {
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const ROWS = 150_000;
const PAYERS = 5000;
const indexes = () =>
  db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transfers' ORDER BY name`).all();

describe('dropping and rebuilding secondary indexes around a bulk load', () => {
  it('rebuilds exactly the indexes it dropped, over the rows loaded meanwhile, and gives the page cache back', () => {
    const before = indexes();
    expect(before.filter((i) => (i as { sql: string | null }).sql !== null).length).toBeGreaterThan(0);
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -12345');
    db.transaction(() => {
      const dropped = dropSecondaryIndexes(db, 'transfers');
      const insert = db.prepare(
        `INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo) VALUES (?, ?, ?, 100, ?, 480, '')`,
      );
      // More entries than one 2 MiB sorter run holds, so the rebuild sorts in several runs and merges them.
      for (let i = 0; i < ROWS; i++) insert.run(`x${i}`, `u${(i * 7919) % PAYERS}`, `u${i % 300}`, 1_700_000_000 - i);
      rebuildIndexes(db, dropped);
    })();
    expect(indexes()).toEqual(before);
    expect(db.pragma('cache_size', { simple: true })).toBe(-12345);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The rebuilt index answers as an index: the rows of one payer, by time.
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM transfers WHERE from_user = ? ORDER BY paid_at`)
      .all('u7') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('transfers_from');
    const ids = db.prepare(`SELECT id FROM transfers WHERE from_user = ? ORDER BY paid_at`).pluck().all('u7');
    expect(ids.length).toBe(ROWS / PAYERS); // 7919 is prime to PAYERS: every payer pays as often
    expect(INDEX_BUILD_CACHE_KIB * 1024).not.toBe(12345 * 1024); // the cache given back is not the build's own
  });
});

describe('the unique key index and the page cache of a bulk load', () => {
  it('keeps a unique index unless asked to drop it, and puts unique ones first to be built again', () => {
    const kept = dropSecondaryIndexes(db, 'transfers');
    expect(kept.definitions.some((d) => /UNIQUE/.test(d))).toBe(false);
    expect(db.pragma('index_list(transfers)')).toEqual([expect.objectContaining({ name: 'transfers_id', unique: 1 })]);
    rebuildIndexes(db, kept);
    const all = dropSecondaryIndexes(db, 'transfers', { unique: true });
    expect(all.definitions[0]).toMatch(/^CREATE UNIQUE INDEX transfers_id/);
    expect(all.definitions).toHaveLength(3);
    expect(db.pragma('index_list(transfers)')).toEqual([]);
    rebuildIndexes(db, all);
    expect((db.pragma('index_list(transfers)') as unknown[]).length).toBe(3);
  });

  it('grows the page cache for the work only when it is smaller, and gives the setting back even after a throw', () => {
    db.pragma('cache_size = -65536');
    expect(withLargerPageCache(db, 1024, () => db.pragma('cache_size', { simple: true }))).toBe(-65536);
    expect(withLargerPageCache(db, 200_000, () => db.pragma('cache_size', { simple: true }))).toBe(-200_000);
    expect(db.pragma('cache_size', { simple: true })).toBe(-65536);
    db.pragma('cache_size = 100'); // in pages
    expect(() =>
      withLargerPageCache(db, 300_000, () => {
        expect(db.pragma('cache_size', { simple: true })).toBe(-300_000);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.pragma('cache_size', { simple: true })).toBe(100);
  });
});

describe("an id table's key trigger around a bulk load", () => {
  const trigger = () => db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'users_key'`).pluck().get();
  const insert = (id: string) =>
    db
      .prepare(
        `INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
         VALUES (?, 'n', 1, 'F', 'any', 1990, 'c', 0, 'active')`,
      )
      .run(id);
  const keyOf = (id: string) => db.prepare('SELECT key FROM user_keys WHERE id = ?').pluck().get(id) as number;

  it('makes the keys the rows lack in id order, keeps a key that outlived its row, and makes the trigger again', () => {
    const made = trigger();
    insert('kept');
    const keptKey = keyOf('kept');
    db.prepare(`DELETE FROM users WHERE id = 'kept'`).run(); // its key outlives it
    db.transaction(() => {
      const dropped = dropKeyTrigger(db, 'users', 'user_keys', 'users_key');
      expect(trigger()).toBeUndefined();
      for (const id of ['c', 'kept', 'a', 'b']) insert(id);
      expect(db.prepare('SELECT count(*) FROM user_keys').pluck().get()).toBe(1); // nothing made meanwhile
      restoreKeyTrigger(db, dropped);
    })();
    expect(trigger()).toBe(made);
    expect(keyOf('kept')).toBe(keptKey);
    expect([keyOf('a'), keyOf('b'), keyOf('c')]).toEqual([keptKey + 1, keptKey + 2, keptKey + 3]);
    insert('d'); // the trigger works again
    expect(keyOf('d')).toBe(keptKey + 4);
  });

  it('is back when the load fails: the drop rolls back with the transaction', () => {
    const made = trigger();
    expect(() =>
      db.transaction(() => {
        dropKeyTrigger(db, 'users', 'user_keys', 'users_key');
        throw new Error('the load failed');
      })(),
    ).toThrow('the load failed');
    expect(trigger()).toBe(made);
    expect(() => dropKeyTrigger(db, 'users', 'user_keys', 'no_such_trigger')).toThrow(/no trigger no_such_trigger/);
  });
});
