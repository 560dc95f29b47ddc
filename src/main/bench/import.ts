import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { PLATFORM_OFFSET_MINUTES } from '../../shared/domain/platform-time';
import { openDatabase, type Db } from '../db/database';
import { BENCH_DIR, benchExport, formatOption } from './bench-data';
import { importExport } from '../mirror/import';
import { defineCommand, intOption } from '../cli/command';
import { PeakRss, mib, timed } from './measure';
import { writeSecondSnapshot } from './second-snapshot';

/**
 * `npm run bench -- import [--users 100000] [--seed 1] [--format csv|jsonl] [--baseline-rows 500000] [--json]`
 *
 * Generates (once, cached under bench-data/) a 90-day export, imports it into a fresh mirror file with the real
 * importer, and reports transaction rows/s (validation included), total rows/s and peak RSS. The BASELINE, measured
 * in the same run on the same transactions file (its first --baseline-rows rows), is the obvious importer:
 * readline + split(',') (or JSON.parse for JSONL) + one `INSERT OR REPLACE` per row in one transaction, into a fresh
 * mirror with the schema's indexes and foreign keys as they are. It validates nothing and quarantines nothing
 * (rows SQLite refuses are skipped), so the ratio understates what the real importer does per row.
 *
 * Then the SECOND SNAPSHOT: the same export a day later (./second-snapshot.ts: 1 % of every file's rows left out,
 * 1 % changed, a new export_id), imported into the same mirror; its time against the first import's (target
 * ≤ 1.3×), its own peak RSS, and its removed/updated counts per file against what was left out and changed.
 */

function removeDb(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

function toUnix(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

async function naiveLines(file: string, onLine: (line: string) => void, limit = Infinity): Promise<number> {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    if (n >= limit) break;
    onLine(line);
    n++;
  }
  rl.close();
  return n;
}

/** The obvious importer, for the baseline figure: no validation, one INSERT OR REPLACE per row. */
async function baselineImport(db: Db, dir: string, rows: number): Promise<{ rows: number; ms: number }> {
  const user = db.prepare(`INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const merchant = db.prepare(`INSERT OR REPLACE INTO merchants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // The payer's and merchant's keys looked up per row, as the obvious importer would (an unknown one has none: the row
  // is refused).
  const tx = db.prepare(
    `INSERT OR REPLACE INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz)
     VALUES (?, (SELECT key FROM user_keys WHERE id = ?), (SELECT key FROM merchant_keys WHERE id = ?), ?, ?, ?)`,
  );
  const tryRun = (fn: () => void): void => {
    try {
      fn();
    } catch {
      /* the naive importer just drops what SQLite refuses */
    }
  };
  // Users and merchants first (not timed): the transactions need them for their foreign keys.
  db.exec('BEGIN');
  await naiveLines(path.join(dir, 'users.jsonl'), (line) => {
    const u = JSON.parse(line.replace(/^\uFEFF/, '')) as Record<string, string | number | boolean | null>;
    tryRun(() =>
      user.run(
        u.id,
        u.nickname,
        u.real_name,
        u.phone,
        u.id_verified ? 1 : 0,
        u.gender,
        u.seeking,
        u.birth_year,
        u.city,
        u.district,
        toUnix(String(u.registered_at)),
        u.status,
      ),
    );
  });
  await naiveLines(path.join(dir, 'merchants.jsonl'), (line) => {
    const m = JSON.parse(line.replace(/^\uFEFF/, '')) as Record<string, string | number | null>;
    tryRun(() =>
      merchant.run(m.id, m.name, m.brand, m.category, m.channel, m.city, m.district, m.lat, m.lon, m.price_level),
    );
  });
  db.exec('COMMIT');

  const csv = fs.existsSync(path.join(dir, 'transactions.csv'));
  const started = performance.now();
  db.exec('BEGIN');
  let header = csv;
  const n = await naiveLines(
    path.join(dir, csv ? 'transactions.csv' : 'transactions.jsonl'),
    (line) => {
      if (header) {
        header = false;
        return;
      }
      if (csv) {
        const [id, userId, merchantId, amount, paidAt] = line.split(',');
        tryRun(() => tx.run(id, userId, merchantId, Number(amount), toUnix(paidAt ?? ''), PLATFORM_OFFSET_MINUTES));
      } else {
        const t = JSON.parse(line) as Record<string, string | number>;
        tryRun(() =>
          tx.run(t.id, t.user_id, t.merchant_id, t.amount_fen, toUnix(String(t.paid_at)), PLATFORM_OFFSET_MINUTES),
        );
      }
    },
    rows + (csv ? 1 : 0),
  );
  db.exec('COMMIT');
  return { rows: n - (csv ? 1 : 0), ms: performance.now() - started };
}

export const importBench = defineCommand({
  name: 'import',
  summary: 'import throughput and peak RSS on a generated export, against a naive importer',
  usage:
    'usage: npm run bench -- import [--users 100000] [--seed 1] [--format csv|jsonl] [--baseline-rows 500000] [--json]',
  options: {
    users: { type: 'string' },
    seed: { type: 'string' },
    format: { type: 'string' },
    'baseline-rows': { type: 'string' },
  },
  async run(ctx, values) {
    const users = intOption(values, 'users', 100_000, 10);
    const seed = intOption(values, 'seed', 1, 0);
    const baselineRows = intOption(values, 'baseline-rows', 500_000, 1);
    const format = formatOption(values);
    const exportDir = await benchExport(users, seed, ctx.progress, ctx.log, format);
    const dbFile = path.join(BENCH_DIR, 'import-bench.db');
    removeDb(dbFile);
    const db = openDatabase(dbFile);
    const rss = new PeakRss();
    const rssBefore = process.memoryUsage.rss();
    // Timed as the import job lasts for an operator: until its transaction is committed and the WAL it wrote is
    // checkpointed into the mirror (SQLite does that as the import's connection commits). The run's own elapsedMs,
    // stored with it, stops before the commit: at 400,000 users the commit and checkpoint are another ~27 s.
    const { value: summary, ms: importWallMs } = await timed(() =>
      importExport(db, exportDir, { operator: 'bench', progress: ctx.progress }),
    );
    const importMs = Math.round(importWallMs);
    const peak = rss.stop();

    ctx.log('second snapshot: 1 % of every file left out, 1 % changed…');
    const nextDir = `${exportDir}-next`;
    const made = await writeSecondSnapshot(exportDir, nextDir);
    const rss2 = new PeakRss();
    const { value: second, ms: secondWallMs } = await timed(() =>
      importExport(db, nextDir, { operator: 'bench', progress: ctx.progress }),
    );
    const secondMs = Math.round(secondWallMs);
    const peak2 = rss2.stop();
    db.close();
    const perFile = Object.keys(made.removed).map((file) => {
      const got = second.files[file];
      return {
        file,
        removed: got?.removed ?? 0,
        removedExpected: made.removed[file]!,
        updated: got?.updated ?? 0,
        changedExpected: made.changed[file]!,
      };
    });
    fs.rmSync(nextDir, { recursive: true, force: true });
    const txFile = Object.keys(summary.files).find((f) => f.startsWith('transactions.'));
    const tx = txFile ? summary.files[txFile]! : undefined;
    const txRowsPerSec = tx ? Math.round(tx.read / (tx.elapsedMs / 1000)) : 0;
    const totalRowsPerSec = Math.round(summary.totals.read / (importMs / 1000));

    // The same export through the general path alone (no fast path), into a fresh mirror: what the fast paths buy.
    ctx.log('general path: the same export with the fast paths off…');
    const generalFile = path.join(BENCH_DIR, 'import-general.db');
    removeDb(generalFile);
    const generalDb = openDatabase(generalFile);
    const general = importExport(generalDb, exportDir, { operator: 'bench', progress: ctx.progress, fastPaths: false });
    generalDb.close();
    removeDb(generalFile);
    const generalTx = txFile ? general.files[txFile] : undefined;
    const generalTxRowsPerSec = generalTx ? Math.round(generalTx.read / (generalTx.elapsedMs / 1000)) : 0;

    ctx.log(`baseline: naive importer on the first ${baselineRows.toLocaleString('en')} transaction rows…`);
    const baseFile = path.join(BENCH_DIR, 'import-baseline.db');
    removeDb(baseFile);
    const baseDb = openDatabase(baseFile);
    const base = await baselineImport(baseDb, exportDir, baselineRows);
    baseDb.close();
    removeDb(baseFile);
    const baseRowsPerSec = Math.round(base.rows / (base.ms / 1000));

    return {
      users,
      format,
      exportDir,
      dbFile,
      rows: summary.totals.read,
      transactionRows: tx?.read ?? 0,
      quarantined: summary.totals.quarantined,
      importMs,
      rowsWrittenMs: summary.elapsedMs,
      transactionMs: tx?.elapsedMs ?? 0,
      transactionRowsPerSec: txRowsPerSec,
      transactionsParsedOn: tx?.parsedOn ?? null,
      totalRowsPerSec,
      peakRssMiB: mib(peak),
      peakRssMethod: rss.method,
      rssBeforeMiB: mib(rssBefore),
      generalPath: {
        what: 'the same export, same importer and validation, with the CSV/JSONL fast paths off',
        transactionMs: generalTx?.elapsedMs ?? 0,
        transactionRowsPerSec: generalTxRowsPerSec,
        quarantined: general.totals.quarantined,
        fastVsGeneral: generalTxRowsPerSec ? Math.round((txRowsPerSec / generalTxRowsPerSec) * 100) / 100 : 0,
      },
      baseline: {
        what: 'readline + split/JSON.parse + INSERT OR REPLACE per row, one transaction, no validation',
        rows: base.rows,
        ms: Math.round(base.ms),
        rowsPerSec: baseRowsPerSec,
      },
      ratio: Math.round((txRowsPerSec / baseRowsPerSec) * 100) / 100,
      secondSnapshot: {
        what: 'the same export with 1 % of every file left out and 1 % changed, imported over the first',
        importMs: secondMs,
        timeVsFirst: Math.round((secondMs / importMs) * 100) / 100,
        peakRssMiB: mib(peak2),
        removed: second.totals.removed,
        updated: second.totals.updated,
        quarantined: second.totals.quarantined,
        countsExact: perFile.every((f) => f.removed === f.removedExpected && f.updated === f.changedExpected),
        files: perFile,
      },
      targets: { transactionRowsPerSec: 250_000, peakRssMiB: 600, secondSnapshotTimeVsFirst: 1.3 },
    };
  },
  format(r) {
    const b = r.baseline;
    return [
      `import of ${Number(r.rows).toLocaleString('en')} rows (${Number(r.transactionRows).toLocaleString('en')} transactions, ${r.quarantined} quarantined) in ${(Number(r.importMs) / 1000).toFixed(1)} s`,
      `  transactions:  ${Number(r.transactionRowsPerSec).toLocaleString('en')} rows/s (validation included; target ≥ 250,000)`,
      `  all files:     ${Number(r.totalRowsPerSec).toLocaleString('en')} rows/s`,
      `  peak RSS:      ${r.peakRssMiB} MiB (target ≤ 600)`,
      `  general path:  ${r.generalPath.transactionRowsPerSec.toLocaleString('en')} rows/s with the fast paths off — fast paths ${r.generalPath.fastVsGeneral}×`,
      `  baseline:      ${b.rowsPerSec.toLocaleString('en')} rows/s on ${b.rows.toLocaleString('en')} rows — ${b.what}`,
      `  ratio:         ${r.ratio}× the baseline`,
      `second snapshot (1 % removed, 1 % changed): ${(r.secondSnapshot.importMs / 1000).toFixed(1)} s = ${r.secondSnapshot.timeVsFirst}× the first (target ≤ 1.3), peak ${r.secondSnapshot.peakRssMiB} MiB`,
      `  removed ${r.secondSnapshot.removed.toLocaleString('en')}, updated ${r.secondSnapshot.updated.toLocaleString('en')}: ${r.secondSnapshot.countsExact ? 'exactly' : 'NOT'} what was left out and changed`,
    ].join('\n');
  },
});
