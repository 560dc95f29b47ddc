import type { AuditRow } from '../audit/audit-log';
import { maskHandlesInText } from '../contact-handles/mask';

/**
 * Audit rows carry ids and codes, but some facts are text an operator typed — an unmask's reason, a rule set's
 * note — which may quote a phone or a contact handle. Wherever an audit row is shown or exported (the Audit page,
 * the outbox), its text goes out masked like a decision note: handles as their kind, never the digits.
 */
function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskHandlesInText(value).text;
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v)]));
  return value;
}

export function maskAuditRow(row: AuditRow): AuditRow {
  return { ...row, details: maskValue(row.details) as Record<string, unknown> };
}
