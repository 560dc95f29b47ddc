import type { AuditRow } from '../audit/audit-log';
import { maskHandlesInText } from '../contact-handles/mask';

/**
 * Audit rows carry ids and codes, but some facts are text an operator typed — an unmask's reason, a rule set's
 * note — which may quote a phone or a contact handle. Wherever an audit row is shown or exported (the Audit page,
 * the outbox), its text goes out masked like a decision note: handles as their kind, never the digits.
 *
 * Facts the console made itself are shown as written: masking turned an instant into `⟦id⟧:##:⟦id⟧` and an export's
 * id into `⟦id⟧`, and an operator reading the trail needs exactly when a lock ends or an unmask expires, and which
 * export was refused. Such a fact is known by its key's name (the code's naming: `…At`/`…Until` an instant, `date`/
 * `…Date` a day, `…Id` an id) AND by its value having that shape — one that holds no one's name or words, and no
 * contact handle. Everything else that is text — a reason, a note, a value under any other key or not of its key's
 * shape — may have been typed, and is masked.
 */
const SHOWN: { key: RegExp; value: RegExp }[] = [
  // ISO-8601 date-times: ours (toISOString) and upstream's exported_at, whose offsets may be +08:00, +0800 or +08.
  {
    key: /(?:At|Until)$/,
    value: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/,
  },
  { key: /^date$|Date$/, value: /^\d{4}-\d{2}-\d{2}$/ },
  // One token: an export's id, a run's, a bulk action's.
  { key: /Id$/, value: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/ },
];

function isMadeByTheConsole(key: string | null, value: string): boolean {
  if (key === null || !SHOWN.some((s) => s.key.test(key) && s.value.test(value))) return false;
  // An id-shaped value may still be a phone number or a WeChat id put where an id belongs: that one stays masked.
  return maskHandlesInText(value).handles.length === 0;
}

function maskValue(value: unknown, key: string | null): unknown {
  if (typeof value === 'string') return isMadeByTheConsole(key, value) ? value : maskHandlesInText(value).text;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, key));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k)]));
  return value;
}

export function maskAuditRow(row: AuditRow): AuditRow {
  return { ...row, details: maskValue(row.details, null) as Record<string, unknown> };
}
