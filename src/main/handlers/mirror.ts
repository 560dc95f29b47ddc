import path from 'node:path';
import type { ImportRun } from '../../shared/contract';
import { roleAtLeast } from '../../shared/domain/operator-roles';
import { DomainError } from '../../shared/envelope';
import { countQuarantine, type ImportRunRow, inspectExport, listImportRuns, listQuarantine } from '../mirror/import';
import { maskQuarantineExcerpt, maskQuarantineMessage } from '../privacy/quarantine-excerpt';
import type { SignedInOperator } from './context';
import { withOperator } from './guards';
import type { Handlers } from './table';
import { say } from '../../shared/error-says';

function toImportRun(row: ImportRunRow): ImportRun {
  const files = Object.entries(row.summary.files ?? {}).map(([file, s]) => ({ file, ...s }));
  return {
    id: row.id,
    exportId: row.exportId,
    exportDir: row.exportDir,
    kind: row.kind,
    exportedAt: row.exportedAt,
    operator: row.operator,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    status: row.status,
    error: row.error,
    files,
    erasedRows: row.summary.erasedRows ?? {},
    erasedFlagged: row.summary.erasedFlagged ?? 0,
    elapsedMs: row.summary.elapsedMs ?? null,
  };
}

/**
 * The export directory an import from the console reads, looked over at once (nothing but plain files of a bounded
 * size), so a bad path is refused before a worker starts. Those refusals say what is on disk — no such path, a file,
 * a directory without a manifest, a FIFO where users.jsonl should be, a manifest.json's fields quoted — so through
 * them any path on the machine could be probed. Reviewers import (the roles' rule), but only a lead or an admin, who
 * may also read the audit trail and unmask, is told why a path was refused; anyone else gets one answer whatever the
 * path holds, as an evaluation's labels outside an import do (moderation.ts). The CLI, a local tool run by whoever
 * holds the mirror file, keeps every reason.
 */
function exportDirOf(dir: string, operator: SignedInOperator): string {
  try {
    return inspectExport(dir).exportDir;
  } catch (err) {
    if (roleAtLeast(operator.role, 'lead')) throw err;
    const exportDir = path.resolve(dir);
    throw new DomainError(
      'BAD_EXPORT',
      `${exportDir}: cannot be imported (not an export, or a file in it does not follow the format); a lead is shown why`,
      say('importRefused', { path: exportDir }),
    );
  }
}

export const mirrorHandlers: Handlers<
  'mirror.importRuns' | 'mirror.quarantine' | 'mirror.startImport' | 'mirror.pickExportDir'
> = {
  'mirror.importRuns': withOperator((input, { services }) => ({
    runs: listImportRuns(services.db, input.limit).map(toImportRun),
  })),
  'mirror.quarantine': withOperator((input, { services }) => {
    const filter = { runId: input.runId, file: input.file, reason: input.reason };
    return {
      total: countQuarantine(services.db, filter),
      rows: listQuarantine(services.db, { ...filter, offset: input.offset, limit: input.limit }).map(
        ({ raw, message, ...row }) => ({
          ...row,
          message: maskQuarantineMessage(message),
          excerpt: maskQuarantineExcerpt(row.file, raw),
        }),
      ),
    };
  }),
  'mirror.startImport': withOperator((input, { services, operator }) => {
    const dir = exportDirOf(input.dir, operator);
    const { jobId } = services.jobs.start({
      kind: 'import',
      worker: 'import',
      dbPath: services.dbPath,
      input: { dir, operator: operator.name },
      startedBy: operator.name,
      // The import audits itself (start, end, refusal) in the operator's name, whichever entry point ran it.
      onResult: (summary) =>
        summary.alreadyImportedBy !== null
          ? `export ${summary.exportId} was imported by run ${summary.alreadyImportedBy}: nothing changed`
          : `run ${summary.runId}: ${summary.totals.read} read, ${summary.totals.quarantined} quarantined, ${summary.totals.removed} removed`,
    });
    return { jobId };
  }),
  'mirror.pickExportDir': withOperator(async (_input, { services }) => {
    if (!services.desktop)
      throw new DomainError(
        'NOT_FOUND',
        'there is no folder dialog in web mode: type the export path',
        say('noFolderDialog', {}),
      );
    return { dir: await services.desktop.pickDirectory('Export directory') };
  }),
};
