import type { Db } from '../../db/database';
import { DomainError } from '../../../shared/envelope';
import { say } from '../../../shared/error-says';
import { parseIsoTime } from './fields';
import type { ExportManifest } from './manifest';

/**
 * Exports apply in `exported_at` order (DATA-FORMAT.md, "Snapshots, increments and their order"): one older than
 * the newest imported — or as old, with another `export_id` — would roll the mirror back (a suspension undone, a
 * withdrawn consent restored), so it is refused unless the operator says why; the same `export_id` again changes
 * nothing.
 */
export interface ExportOrder {
  /** The completed run that already imported this export_id, or null. */
  alreadyImportedBy: number | null;
  /** Set when an older export goes in on purpose. */
  allowedOlder: { reason: string; newerExportId: string; newerExportedAt: string } | null;
}

const sql = {
  completed: `SELECT id, export_id, exported_at FROM import_runs WHERE status = 'completed' AND export_id IS NOT NULL ORDER BY id`,
};

/** An ISO-8601 time with an offset as seconds since the epoch, fractions of a second kept (they order exports). */
export function exportInstant(iso: string): number {
  const parsed = parseIsoTime(iso);
  if (!parsed) return Number.NaN;
  const fraction = /^[^.]*T[^.]*\.(\d+)/i.exec(iso);
  return parsed[0] + (fraction ? Number(`0.${fraction[1]}`) : 0);
}

/**
 * How far ahead of this machine's clock an export may say it was taken: upstream's clock and ours differ by
 * seconds, and the demo's export is stamped early on the platform's day, hours ahead of a machine west of it.
 */
const FUTURE_TOLERANCE_SECONDS = 24 * 3600;

export function checkExportOrder(db: Db, manifest: ExportManifest, allowOlder: string | undefined): ExportOrder {
  // One export from the future (a writer's clock wrong by years) would make every real export after it stale.
  const now = Date.now() / 1000;
  if (exportInstant(manifest.exportedAt) > now + FUTURE_TOLERANCE_SECONDS) {
    throw new DomainError(
      'BAD_EXPORT',
      `export "${manifest.exportId}": exported_at ${manifest.exportedAt} is more than a day ahead of this ` +
        `machine's clock (${new Date(now * 1000).toISOString()}); imported, it would make every export after it ` +
        `look stale. Nothing was imported: check the clock of the system that wrote it, or this machine's`,
    );
  }
  const runs = db.prepare(sql.completed).all() as { id: number; export_id: string; exported_at: string | null }[];
  const repeat = runs.find((r) => r.export_id === manifest.exportId);
  if (repeat) return { alreadyImportedBy: repeat.id, allowedOlder: null };
  const at = exportInstant(manifest.exportedAt);
  let newest: { id: number; exportId: string; exportedAt: string; instant: number } | null = null;
  for (const r of runs) {
    if (r.exported_at === null) continue;
    const instant = exportInstant(r.exported_at);
    if (newest === null || instant >= newest.instant)
      newest = { id: r.id, exportId: r.export_id, exportedAt: r.exported_at, instant };
  }
  if (newest === null || at > newest.instant) return { alreadyImportedBy: null, allowedOlder: null };
  const reason = allowOlder?.trim();
  if (reason) {
    return {
      alreadyImportedBy: null,
      allowedOlder: { reason, newerExportId: newest.exportId, newerExportedAt: newest.exportedAt },
    };
  }
  const how = at === newest.instant ? 'as old as' : 'older than';
  throw new DomainError(
    'STALE_EXPORT',
    `export "${manifest.exportId}" (exported at ${manifest.exportedAt}) is ${how} export "${newest.exportId}" ` +
      `(exported at ${newest.exportedAt}, imported by run ${newest.id}); exports apply in exported_at order, so ` +
      `importing it would roll the mirror back. Nothing was imported (to import it anyway, give a reason with ` +
      `--allow-older "REASON")`,
    say('staleExport', {
      exportId: manifest.exportId,
      exportedAt: manifest.exportedAt,
      newerExportId: newest.exportId,
      newerExportedAt: newest.exportedAt,
    }),
  );
}

/**
 * The order again, inside the import's write transaction: what `checkExportOrder` answered before the write lock
 * may no longer hold, for an import that committed while this one waited (two operators, or the CLI beside the
 * console). The same export imported meanwhile, or a newer one without `allowOlder`, refuses this run — nothing of
 * it is written; an older export newly allowed is audited as the first check would have.
 */
export function recheckExportOrder(
  db: Db,
  manifest: ExportManifest,
  allowOlder: string | undefined,
  before: ExportOrder,
  auditAllowed: (allowed: NonNullable<ExportOrder['allowedOlder']>) => void,
): ExportOrder {
  const now = checkExportOrder(db, manifest, allowOlder);
  if (now.alreadyImportedBy !== null) {
    throw new DomainError(
      'ALREADY_IMPORTED',
      `export "${manifest.exportId}" was imported by run ${now.alreadyImportedBy} while this import waited for the ` +
        `mirror's write lock; nothing was imported again`,
    );
  }
  if (now.allowedOlder && !before.allowedOlder) auditAllowed(now.allowedOlder);
  return now;
}
