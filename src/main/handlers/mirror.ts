import type { ImportRun } from '../../shared/contract';
import { DomainError } from '../../shared/envelope';
import { countQuarantine, type ImportRunRow, inspectExport, listImportRuns, listQuarantine } from '../mirror/import';
import { maskQuarantineExcerpt, maskQuarantineMessage } from '../privacy/quarantine-excerpt';
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
    elapsedMs: row.summary.elapsedMs ?? null,
  };
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
    // Looked over at once (nothing but plain files of a bounded size), so a bad path is refused before a worker starts.
    const dir = inspectExport(input.dir).exportDir;
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
