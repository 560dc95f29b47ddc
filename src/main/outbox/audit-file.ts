import { type AuditRow, auditRowsAfter, auditRowsBetween } from '../audit/audit-log';
import type { Db } from '../db/database';
import { maskAuditRow } from '../privacy';
import { exportPendingRange, type RangeExport, type RangeSource, tryExportRange } from './range-export';

/**
 * The audit trail goes to the outbox with the decisions (issue 14): `audit-<from>-<to>.jsonl`, one line per audit
 * row by id range, recorded in the outbox ledger exactly as decisions are, so upstream can attribute every decision,
 * publication, unmasking and sign-in to the operator who did it. Typed text is masked as on the Audit page; audit
 * rows never hold passwords, tokens or session ids, and a failed sign-in under a name nobody has is recorded as
 * "(unknown name)" — the name typed is never kept (operators/sign-in.ts).
 */
export interface OutboxAuditLine {
  audit_id: string;
  /** ISO-8601 UTC. */
  at: string;
  operator: string;
  /** Dotted verb: 'moderation.decide', 'matching.publish', 'session.signInFailed'… */
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
}

/** One audit row as the outbox and `cli audit --out` write it. */
export function auditLine(row: AuditRow): string {
  const masked = maskAuditRow(row);
  const line: OutboxAuditLine = {
    audit_id: String(masked.id),
    at: masked.at,
    operator: masked.operator,
    action: masked.action,
    subject: masked.subject,
    details: masked.details,
  };
  return JSON.stringify(line);
}

const AUDIT_TRAIL: RangeSource<AuditRow> = {
  kind: 'audit',
  id: (row) => row.id,
  after: auditRowsAfter,
  between: auditRowsBetween,
  line: auditLine,
};

/** Writes every audit row the outbox ledger has not carried yet as one new audit file. */
export function exportPendingAudit(db: Db, outboxDir: string): RangeExport {
  return exportPendingRange(db, outboxDir, AUDIT_TRAIL);
}

/** The same, never failing the caller (tryExportRange): null when it could not run now. */
export function tryExportAudit(db: Db, outboxDir: string, warn?: (line: string) => void): RangeExport | null {
  return tryExportRange(db, outboxDir, AUDIT_TRAIL, warn);
}
