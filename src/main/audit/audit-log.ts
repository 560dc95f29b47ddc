import type { Db } from '../db/database';

export interface AuditEntry {
  operator: string;
  /** Dotted verb in the domain's words: 'import.start', 'match.run', 'ruleset.activate', 'unmask'. */
  action: string;
  /** Id of what it acted on — never PII. */
  subject?: string | null;
  /** JSON-able facts about the action — never PII. */
  details?: Record<string, unknown>;
}

export interface AuditRow extends Required<Omit<AuditEntry, 'details'>> {
  id: number;
  at: string;
  details: Record<string, unknown>;
}

const sql = {
  append: `INSERT INTO audit_log (at, operator, action, subject, details) VALUES (?, ?, ?, ?, ?)`,
  recent: `SELECT id, at, operator, action, subject, details FROM audit_log ORDER BY id DESC LIMIT ?`,
};

/** Who did what, appended in the same breath as the action (the table refuses updates and deletes). */
export function appendAudit(db: Db, entry: AuditEntry, at: Date = new Date()): number {
  const info = db
    .prepare(sql.append)
    .run(at.toISOString(), entry.operator, entry.action, entry.subject ?? null, JSON.stringify(entry.details ?? {}));
  return Number(info.lastInsertRowid);
}

export function listAudit(db: Db, limit: number): AuditRow[] {
  const rows = db.prepare(sql.recent).all(limit) as (Omit<AuditRow, 'details'> & { details: string })[];
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
