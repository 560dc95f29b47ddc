import { EXPORT_FIELDS, exportFileKind, isPiiField, PII_FIELD_MASKS, type PiiField } from './export-fields';
import { maskFreeText, maskName, maskPhone } from './mask-fields';

/** Longest excerpt an operator sees: enough to spot the broken field, short enough not to become a data dump. */
export const EXCERPT_MAX_CHARS = 240;

function maskValue(field: PiiField, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  switch (PII_FIELD_MASKS[field]) {
    case 'name':
      return maskName(text);
    case 'phone':
      return maskPhone(text);
    case 'text':
      return maskFreeText(text);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Runs of 7+ digits (spaces or dashes between them allowed) are phone, card or id numbers until proven
 * otherwise; a calendar date is the one shape let through, because the broken field is often a time.
 */
function scrubDigits(text: string): string {
  return text.replace(/\d(?:[\s-]?\d){6,}/g, (run) => (ISO_DATE.test(run) ? run : '#'.repeat(Math.min(run.length, 11))));
}

/** Splits one CSV record (RFC 4180 quoting); good enough for an excerpt, and never throws. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(cell), (cell = '');
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

function quoteCsv(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function clip(text: string): string {
  const chars = [...text];
  return chars.length <= EXCERPT_MAX_CHARS ? text : `${chars.slice(0, EXCERPT_MAX_CHARS).join('')}…`;
}

/**
 * What an operator may see of a row the import refused. A quarantined row is raw upstream data — a user row
 * carries the legal name and phone, a greeting its text — so the excerpt goes through the same field masks as
 * every other view: PII fields by name (JSONL) or by column (CSV), and text that would not even parse has its
 * long digit runs and quoted PII values scrubbed. The raw row stays in the mirror, in main.
 */
export function maskQuarantineExcerpt(file: string, raw: string): string {
  const trimmed = raw.replace(/^\uFEFF/, '').trim();
  const kind = exportFileKind(file);
  if (trimmed.startsWith('{')) {
    try {
      const row = JSON.parse(trimmed) as unknown;
      if (row && typeof row === 'object' && !Array.isArray(row)) {
        const masked = Object.fromEntries(
          Object.entries(row as Record<string, unknown>).map(([k, v]) => [k, isPiiField(k) ? maskValue(k, v) : typeof v === 'string' ? scrubDigits(v) : v]),
        );
        return clip(JSON.stringify(masked));
      }
    } catch {
      // not JSON after all: falls through to the scrubbing below
    }
    const scrubbed = trimmed.replace(/"(real_name|nickname|phone|memo|text)"\s*:\s*"(?:[^"\\]|\\.)*"?/g, (_m, field: PiiField) => `"${field}":"${REDACTED_VALUE}"`);
    return clip(scrubDigits(scrubbed));
  }
  if (kind && file.toLowerCase().endsWith('.csv')) {
    const columns: readonly string[] = EXPORT_FIELDS[kind];
    const cells = csvCells(trimmed).map((cell, i) => {
      const column = columns[i];
      if (column && isPiiField(column)) return String(maskValue(column, cell));
      return scrubDigits(cell);
    });
    return clip(cells.map(quoteCsv).join(','));
  }
  return clip(scrubDigits(trimmed));
}

const REDACTED_VALUE = '[redacted]';
