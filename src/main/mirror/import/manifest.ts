import path from 'node:path';
import { EXPORT_KINDS, type ExportKind, MANIFEST_FORMAT } from '../../../shared/domain/export-format';
import { DomainError } from '../../../shared/envelope';
import { say } from '../../../shared/error-says';
import { parseIsoTime } from './fields';
import { closingQuote, jsonKeyAt } from './record-parser';
import { CALLER_FILE_MAX_BYTES, CallerFileError, readSmallCallerFile } from '../../util/caller-file';

export interface ExportManifest {
  format: typeof MANIFEST_FORMAT;
  exportId: string;
  exportedAt: string;
  kind: ExportKind;
  /** Row counts upstream says it wrote, by file name; compared with what was read, never trusted for control. */
  files: Record<string, number>;
}

function bad(file: string, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('BAD_EXPORT', `${file}: ${message}`, details);
}

/**
 * The first key some object of the JSON text names twice, or null (`text` is known to be valid JSON). JSON.parse keeps
 * the last value without a word: a manifest saying `"kind": "increment"` and then `"kind": "snapshot"` would delete
 * rows on a guess, so, as for a row (record-parser.ts), which one is meant cannot be told.
 */
function repeatedKey(text: string): string | null {
  const open: (Set<string> | null)[] = []; // per open object its keys, per open array null
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) open.push(new Set());
    else if (c === 0x5b) open.push(null);
    else if (c === 0x7d || c === 0x5d) open.pop();
    else if (c === 0x22) {
      const end = closingQuote(text, i);
      const keys = open[open.length - 1];
      const key = keys ? jsonKeyAt(text, i, end) : null;
      if (keys && key !== null) {
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    }
  }
  return null;
}

/** Reads and checks `manifest.json`. A bad manifest refuses the whole export (BAD_EXPORT), naming the file and field. */
export function readManifest(dir: string): ExportManifest {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = readSmallCallerFile(file, CALLER_FILE_MAX_BYTES.manifest);
  } catch (err) {
    if (!(err instanceof CallerFileError)) throw err;
    if (err.reason === 'missing')
      throw bad(file, 'not found (is this an export directory?)', say('notAnExport', { path: dir }));
    throw bad(
      file,
      err.reason === 'too_large'
        ? `is larger than ${CALLER_FILE_MAX_BYTES.manifest.toLocaleString('en')} bytes: not a manifest`
        : err.reason === 'unreadable'
          ? 'cannot be read'
          : 'is not a plain file (a link, a directory, a device?)',
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw bad(file, `is not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(file, 'must be a JSON object');
  const repeated = repeatedKey(text);
  if (repeated !== null)
    throw bad(
      file,
      `names the key ${JSON.stringify(repeated)} twice in one object: which value is meant cannot be told`,
    );
  const m = raw as Record<string, unknown>;
  if (m.format !== MANIFEST_FORMAT)
    throw bad(file, `format must be ${MANIFEST_FORMAT}, got ${JSON.stringify(m.format)}`);
  if (typeof m.export_id !== 'string' || m.export_id.length === 0 || m.export_id.length > 200) {
    throw bad(file, 'export_id must be a non-empty string');
  }
  if (typeof m.exported_at !== 'string' || !parseIsoTime(m.exported_at)) {
    throw bad(file, `exported_at must be an ISO-8601 time with an offset, got ${JSON.stringify(m.exported_at)}`);
  }
  const kind = EXPORT_KINDS.find((k) => k === m.kind);
  if (kind === undefined)
    throw bad(file, `kind must be ${EXPORT_KINDS.map((k) => `"${k}"`).join(' or ')}, got ${JSON.stringify(m.kind)}`);
  const files: Record<string, number> = {};
  if (m.files !== undefined) {
    if (typeof m.files !== 'object' || m.files === null || Array.isArray(m.files))
      throw bad(file, 'files must be an object of row counts');
    for (const [name, count] of Object.entries(m.files as Record<string, unknown>)) {
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
        throw bad(file, `files["${name}"] must be a row count, got ${JSON.stringify(count)}`);
      files[name] = count;
    }
  }
  return { format: MANIFEST_FORMAT, exportId: m.export_id, exportedAt: m.exported_at, kind, files };
}
