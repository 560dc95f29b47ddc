import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/database';
import { tempDir } from '../../testing/export-files';
import { dropSecondaryIndexes, INDEX_BUILD_CACHE_KIB, rebuildIndexes, withLargerPageCache } from './bulk-mode';

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
