import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Db, MirrorLockedError, OPEN_BUSY_TIMEOUT_MS, openDatabase } from '../../db/database';
import { CancelledError, type ProgressSink } from '../../../shared/progress';
import { tempDir } from '../../testing/temp';
import { writeSyntheticExport } from '../../testing/synthetic-export';
import { importExport, listImportRuns } from './index';
import { withImportJournal } from './sole-writer';

const TABLES = ['users', 'user_keys', 'merchants', 'merchant_keys', 'transactions', 'quarantine'] as const;

/** What the mirror holds, table by table: the rows themselves, hashed in key order. */
function contents(db: Db): Record<string, string> {
  return Object.fromEntries(
    TABLES.map((t) => {
      const rows = db.prepare(`SELECT * FROM ${t} ORDER BY 1`).raw().all();
      return [t, `${rows.length}:${JSON.stringify(rows).length}:${hash(JSON.stringify(rows))}`];
    }),
  );
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function exportOf(root: string, name: string, transactions = 30_000, exportedAt?: string): string {
  const dir = path.join(root, name);
  writeSyntheticExport(dir, {
    users: 1_500,
    merchants: 80,
    transactions,
    exportId: name,
    ...(exportedAt ? { exportedAt } : {}),
  });
  return dir;
}

describe('a sole writer’s first import', () => {
  it('goes without the WAL, leaves the mirror in WAL, readable by others, holding what a WAL import holds', () => {
    const root = tempDir();
    const dir = exportOf(root, 'first');
    const sole = openDatabase(path.join(root, 'sole.db'));
    const shared = openDatabase(path.join(root, 'shared.db'));
    expect(importExport(sole, dir, { operator: 'tester', soleWriter: true }).journal).toBe('rollback');
    expect(importExport(shared, dir, { operator: 'tester' }).journal).toBe('wal');

    expect(sole.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sole.pragma('locking_mode', { simple: true })).toBe('normal');
    expect(fs.existsSync(path.join(root, 'sole.db-journal'))).toBe(false);
    expect(contents(sole)).toEqual(contents(shared));
    expect(contents(sole).transactions).toMatch(/^30000:/);
    // Another connection reads it while this one is still open: the exclusive lock was let go.
    const reader = openDatabase(path.join(root, 'sole.db'), { readonly: true });
    expect(reader.prepare(`SELECT count(*) FROM users`).pluck().get()).toBe(1_500);
    reader.close();
    sole.close();
    shared.close();
  });

  it('goes through the WAL when the mirror was imported before, or another connection has it open', () => {
    const root = tempDir();
    const dbPath = path.join(root, 'mirror.db');
    const db = openDatabase(dbPath);
    const console = openDatabase(dbPath, { readonly: true });
    expect(importExport(db, exportOf(root, 'served'), { operator: 'tester', soleWriter: true }).journal).toBe('wal');
    // The other connection read on while it ran, and reads the import now.
    expect(console.prepare(`SELECT count(*) FROM transactions`).pluck().get()).toBe(30_000);
    console.close();
    const again = openDatabase(path.join(root, 'fresh.db'));
    importExport(again, exportOf(root, 'once', 1_000), { operator: 'tester', soleWriter: true });
    const second = importExport(again, exportOf(root, 'twice', 1_000, '2026-11-25T03:00:00+08:00'), {
      operator: 'tester',
      soleWriter: true,
    });
    expect(second.journal).toBe('wal');
    again.close();
    db.close();
  });

  it('a console opened meanwhile is told another process holds the mirror, after the open wait; the import goes on', () => {
    const root = tempDir();
    const dbPath = path.join(root, 'mirror.db');
    const db = openDatabase(dbPath);
    let refused: unknown = null;
    let waitedMs = 0;
    const progress: ProgressSink = {
      report(phase) {
        if (refused !== null || !phase.startsWith('transactions')) return;
        const started = performance.now();
        try {
          openDatabase(dbPath).close();
        } catch (error) {
          refused = error;
        }
        waitedMs = performance.now() - started;
      },
      throwIfCancelled() {},
    };
    const summary = importExport(db, exportOf(root, 'first'), { operator: 'tester', soleWriter: true, progress });
    expect(summary.journal).toBe('rollback');
    expect(refused).toBeInstanceOf(MirrorLockedError);
    expect((refused as MirrorLockedError).code).toBe('MIRROR_LOCKED');
    expect((refused as Error).message).toContain(dbPath);
    expect((refused as Error).message).toContain('import --exclusive');
    // It waited for the lock as long as an open waits, not less (and did not hang).
    expect(waitedMs).toBeGreaterThanOrEqual(OPEN_BUSY_TIMEOUT_MS - 50);
    expect(contents(db).transactions).toMatch(/^30000:/);
    // Once the import is over, the mirror opens as always.
    const later = openDatabase(dbPath);
    expect(later.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(30_000);
    later.close();
    db.close();
  });

  it('cancelled mid-way: nothing kept, the run cancelled, the mirror back in WAL', () => {
    const root = tempDir();
    const db = openDatabase(path.join(root, 'mirror.db'));
    let cancelled = false;
    const progress: ProgressSink = {
      report(phase) {
        if (phase.startsWith('transactions')) cancelled = true;
      },
      throwIfCancelled() {
        if (cancelled) throw new CancelledError();
      },
    };
    expect(() => importExport(db, exportOf(root, 'first'), { operator: 'tester', soleWriter: true, progress })).toThrow(
      CancelledError,
    );
    expect(contents(db).users).toMatch(/^0:/);
    expect(listImportRuns(db, 1)[0]).toMatchObject({ status: 'cancelled' });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(importExport(db, exportOf(root, 'first'), { operator: 'tester', soleWriter: true }).journal).toBe(
      'rollback',
    );
    db.close();
  });

  it('a power cut after its pages reached the file: the files as they were on disk roll back to the empty mirror', () => {
    const root = tempDir();
    const dbPath = path.join(root, 'mirror.db');
    const cut = path.join(root, 'cut.db');
    const db = openDatabase(dbPath);
    const emptyBytes = fs.statSync(dbPath).size;
    withImportJournal(db, true, (journal) => {
      expect(journal).toBe('rollback');
      // A small cache, so the transaction spills its pages into the file long before it commits.
      db.pragma('cache_size = -256');
      db.transaction(() => {
        const insert = db.prepare(
          `INSERT INTO merchants (id, name, category, channel, city, price_level) VALUES (?, ?, 'coffee', 'offline', '上海', 2)`,
        );
        for (let i = 0; i < 20_000; i++) insert.run(`m${i}`, `shop ${i} ${'x'.repeat(60)}`);
        // What a power cut would leave: the mirror's file and its journal, as they are now.
        fs.copyFileSync(dbPath, cut);
        fs.copyFileSync(`${dbPath}-journal`, `${cut}-journal`);
      }).immediate();
    });
    db.close();
    expect(fs.statSync(cut).size).toBeGreaterThan(emptyBytes * 2);
    const after = openDatabase(cut);
    expect(after.prepare(`SELECT count(*) FROM merchants`).pluck().get()).toBe(0);
    expect(after.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(fs.existsSync(`${cut}-journal`)).toBe(false);
    after.close();
  });
});
