import type { Migration } from './migration';

/**
 * Row counts kept, so the mirror's status never scans a table on main's loop (count(*) over millions of rows, once
 * per status call, stalled every other call). The mirror's tables change only by imports, which set their counts
 * in the import's own transaction (mirror/row-counts.ts); the console's growing tables (import runs, quarantine,
 * the audit log) are kept by triggers, a row at a time, which costs nothing next to the row they count.
 */
export const m009RowCounts: Migration = {
  version: 9,
  name: 'row counts kept',
  up(db) {
    db.exec(`
      CREATE TABLE row_counts (
        table_name TEXT PRIMARY KEY,
        rows INTEGER NOT NULL CHECK (rows >= 0)
      ) STRICT;
    `);
    const tables = [
      'users',
      'consents',
      'exposures',
      'merchants',
      'transactions',
      'transfers',
      'greetings',
      'reports',
      'blocks',
      'introductions',
      'import_runs',
      'quarantine',
      'audit_log',
    ];
    for (const t of tables) db.exec(`INSERT INTO row_counts (table_name, rows) SELECT '${t}', count(*) FROM ${t}`);
    for (const t of ['import_runs', 'quarantine', 'audit_log'])
      db.exec(`
        CREATE TRIGGER ${t}_counted_in AFTER INSERT ON ${t}
        BEGIN UPDATE row_counts SET rows = rows + 1 WHERE table_name = '${t}'; END;
        CREATE TRIGGER ${t}_counted_out AFTER DELETE ON ${t}
        BEGIN UPDATE row_counts SET rows = rows - 1 WHERE table_name = '${t}'; END;
      `);
  },
};
