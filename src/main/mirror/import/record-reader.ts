import fs from 'node:fs';
import { CALLER_FILE_MAX_BYTES, openCallerFile } from '../../util/caller-file';
import { READ_AHEAD_MIN_BYTES, ReadAhead } from './read-ahead';

/** Records longer than this are refused without being buffered whole (a 10 MB line never sits in memory). */
export const MAX_RECORD_BYTES = 1 << 20;
/** Read size: big enough that syscalls and copies vanish next to parsing, small enough to keep memory flat. */
const CHUNK_BYTES = 4 << 20;

export interface RecordSink {
  /**
   * One record (a JSONL line, or a CSV record that may span several physical lines inside quotes), decoded,
   * without its line ending. `line` is the 1-based physical line it starts on; `unterminated` is true for a last
   * record that has no newline after it (maybe cut off by a crashed writer). `offset` is the byte offset in the
   * file where the record starts, for reading it again with `readRecordAt`.
   */
  record(text: string, line: number, unterminated: boolean, offset: number): void;
  /** A record that could not even be decoded: `invalid_utf8` or `line_too_long`; `excerpt` is its beginning. */
  problem(reason: 'invalid_utf8' | 'line_too_long', line: number, excerpt: string): void;
  /** Called after each chunk read, with the bytes consumed so far: the place for progress and cancel checks. */
  chunk(bytesRead: number, totalBytes: number): void;
}

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Decodes bytes as UTF-8, or returns undefined when they are not valid UTF-8 (rather than inventing U+FFFD). */
function decodeStrict(buf: Buffer, start: number, end: number): string | undefined {
  const text = buf.toString('utf8', start, end);
  // U+FFFD appears only for invalid bytes or when the input really contains EF BF BD; check bytes only then.
  if (text.indexOf('\uFFFD') === -1) return text;
  const replacement = Buffer.from([0xef, 0xbf, 0xbd]);
  const bytes = buf.subarray(start, end);
  let literal = 0;
  for (let i = bytes.indexOf(replacement); i !== -1; i = bytes.indexOf(replacement, i + 3)) literal++;
  let decoded = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) decoded++;
  return literal === decoded ? text : undefined;
}

// CSV scanner states: only a quote at the start of a cell opens a quoted cell (RFC 4180), so a stray quote inside
// an unquoted cell (a bad_csv row) cannot swallow the following records.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote seen inside a quoted cell: either "" (escaped) or the closing quote
const COMMA = 0x2c;

/** CSV scanner state after the bytes [from, to). A plain byte loop: lines are short and Buffer#indexOf would search past `to`. */
function scanCsv(buf: Buffer, from: number, to: number, state: number): number {
  for (let i = from; i < to; i++) {
    const b = buf[i];
    if (state === QUOTED) {
      if (b === QUOTE) state = QUOTE_IN_QUOTED;
    } else if (b === COMMA) state = FIELD_START;
    else if (state === FIELD_START) state = b === QUOTE ? QUOTED : UNQUOTED;
    else if (state === QUOTE_IN_QUOTED) state = b === QUOTE ? QUOTED : UNQUOTED;
  }
  return state;
}

/**
 * CSV, while skipping an over-long record: where it ends (the first newline outside quotes in [from, to), or -1),
 * the quote state reached, and how many newlines inside quotes were passed — so line numbers stay right after it.
 */
function skipCsvRecord(
  buf: Buffer,
  from: number,
  to: number,
  state: number,
): { end: number; state: number; newlines: number } {
  let newlines = 0;
  for (let i = from; i < to; i++) {
    const b = buf[i];
    if (b === NL) {
      if (state !== QUOTED) return { end: i, state, newlines };
      newlines++;
    } else state = scanCsv(buf, i, i + 1, state);
  }
  return { end: -1, state, newlines };
}

export function excerptOf(buf: Buffer, start: number, end: number, maxChars: number): string {
  // 4 bytes per char at most; a cut multi-byte sequence at the end decodes to U+FFFD, which is fine for an excerpt.
  return capChars(buf.toString('utf8', start, Math.min(end, start + maxChars * 4)), maxChars);
}

export function capChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[maxChars - 1] ?? '') ? maxChars - 1 : maxChars;
  return text.slice(0, cut);
}

/**
 * Streams a JSONL or CSV file record by record with fs.readSync into one reusable buffer, so memory stays flat
 * whatever the file's size. Skips a leading BOM, accepts LF and CRLF, and in CSV mode keeps newlines that sit
 * inside quoted fields (RFC 4180: a record ends at a newline outside a quoted cell). The file is a caller's: it is
 * opened only as a plain file of at most `maxBytes` (../../util/caller-file.ts), and read only as far as it
 * reached when opened.
 */
export function readRecords(
  file: string,
  csv: boolean,
  sink: RecordSink,
  maxBytes: number = CALLER_FILE_MAX_BYTES.exportFile,
): void {
  const { fd, size: totalBytes } = openCallerFile(file, maxBytes);
  const readAhead = totalBytes >= READ_AHEAD_MIN_BYTES ? new ReadAhead(fd, totalBytes) : null;
  try {
    const buf = Buffer.allocUnsafe(MAX_RECORD_BYTES + CHUNK_BYTES);
    let start = 0; // start of the current record in buf
    let end = 0; // end of valid data in buf
    let scan = 0; // where the search for the record's end resumes
    let csvState = FIELD_START;
    let line = 1; // physical line the current record starts on
    let linesInRecord = 0; // newlines inside quotes seen so far in the current record
    let skipping = false; // inside an over-long record, discarding until its newline
    let bytesRead = 0;
    // CSV: where the next quote byte is in buf[scan, end) (`end` when there is none; -1 before searching). A record
    // without quotes cannot hold a quoted newline, so the byte-by-byte quote scan is skipped for it: most records.
    let nextQuote = -1;
    let first = true;
    let eof = false;

    while (!eof) {
      // Make room: move the unfinished record to the front of the buffer.
      if (start > 0) {
        buf.copyWithin(0, start, end);
        end -= start;
        scan -= start;
        start = 0;
      }
      const want = Math.min(buf.length - end, totalBytes - bytesRead);
      readAhead?.advance(bytesRead + want);
      const n = fs.readSync(fd, buf, end, want, bytesRead);
      if (n === 0) eof = true;
      bytesRead += n;
      end += n;
      nextQuote = -1;
      if (first && end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        start = scan = 3;
      }
      first = false;

      for (;;) {
        if (skipping) {
          // A CSV record ends only at a newline outside quotes: a 10 MB quoted memo full of newlines is one record.
          let nl: number;
          if (csv) {
            const skipped = skipCsvRecord(buf, scan, end, csvState);
            csvState = skipped.state;
            linesInRecord += skipped.newlines;
            nl = skipped.end;
          } else {
            nl = buf.indexOf(NL, scan);
            if (nl >= end) nl = -1;
          }
          if (nl === -1) {
            start = scan = end; // drop what we have; keep looking in the next chunk
            break;
          }
          skipping = false;
          csvState = FIELD_START;
          start = scan = nl + 1;
          line += 1 + linesInRecord;
          linesInRecord = 0;
          continue;
        }
        let nl = buf.indexOf(NL, scan);
        if (nl >= end) nl = -1;
        if (csv && nl !== -1) {
          if (nextQuote < scan) {
            const q = buf.indexOf(QUOTE, scan);
            nextQuote = q === -1 || q >= end ? end : q;
          }
          // Toggle on every quote before this newline; a newline inside quotes belongs to the record.
          if (csvState === QUOTED || nextQuote < nl) csvState = scanCsv(buf, scan, nl, csvState);
          if (csvState === QUOTED) {
            linesInRecord += 1;
            scan = nl + 1;
            continue;
          }
        }
        if (nl === -1) {
          if (end - start > MAX_RECORD_BYTES) {
            sink.problem('line_too_long', line, excerptOf(buf, start, end, 300));
            skipping = true;
            // The newlines inside quotes already passed stay counted; the unscanned rest sets the quote state.
            if (csv) csvState = scanCsv(buf, scan, end, csvState);
            start = scan = end;
          } else if (csv) {
            // Remember the quote state of the bytes already scanned so they are not counted twice.
            csvState = scanCsv(buf, scan, end, csvState);
            scan = end;
          } else {
            scan = end;
          }
          break;
        }
        if (nl - start > MAX_RECORD_BYTES) {
          sink.problem('line_too_long', line, excerptOf(buf, start, nl, 300));
        } else {
          const stop = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
          const text = decodeStrict(buf, start, stop);
          if (text === undefined) sink.problem('invalid_utf8', line, excerptOf(buf, start, stop, 300));
          else sink.record(text, line, false, bytesRead - end + start);
        }
        line += 1 + linesInRecord;
        linesInRecord = 0;
        csvState = FIELD_START;
        start = scan = nl + 1;
      }
      sink.chunk(Math.min(bytesRead, totalBytes), totalBytes);
    }
    if (!skipping && end > start) {
      const stop = buf[end - 1] === CR ? end - 1 : end;
      const text = decodeStrict(buf, start, stop);
      if (text === undefined) sink.problem('invalid_utf8', line, excerptOf(buf, start, stop, 300));
      else sink.record(text, line, true, bytesRead - end + start);
    }
  } finally {
    if (readAhead) readAhead.close();
    else fs.closeSync(fd);
  }
}

/** How much of a file's start is looked at before importing it: a header or a first object is far shorter. */
const FIRST_LINE_SAMPLE_BYTES = 64 << 10;

/** A file's start as the import looks it over before writing anything (index.ts). */
export interface FileStart {
  /**
   * Why the file is not UTF-8 text as far as its first bytes tell, or null. A file written as UTF-16 (Windows
   * PowerShell's `>` and Out-File, .NET's Encoding.Unicode, "Unicode text" in spreadsheets) is valid nowhere in the
   * format, yet read as UTF-8 each of its lines is only a bad row: an increment would complete with every row
   * quarantined as "not valid JSON", a CSV file would be refused for a bare CR it does not hold. Such a file is
   * refused whole, saying what it is.
   */
  encoding: string | null;
  /**
   * Why its line endings are not LF or CRLF, or null. A file saved with classic Mac endings (CR alone) is one giant
   * first record to a reader that splits on LF, and CR CR LF leaves a CR in every row's last value: such a file is
   * refused whole. Only the first line is looked at; further on a CR outside quotes refuses its row (csv.ts).
   */
  lineEnding: string | null;
  /** The first line that is not blank (a CSV file's header), decoded, without BOM or line ending; null if none. */
  firstLine: { text: string; line: number } | null;
  /** Whether the file's last byte is a newline (LF); null for an empty file. */
  endsWithNewline: boolean | null;
}

export function readFileStart(file: string, maxBytes: number = CALLER_FILE_MAX_BYTES.exportFile): FileStart {
  const { fd } = openCallerFile(file, maxBytes);
  let buf: Buffer;
  let n: number;
  let endsWithNewline: boolean | null = null;
  try {
    buf = Buffer.allocUnsafe(FIRST_LINE_SAMPLE_BYTES);
    n = fs.readSync(fd, buf, 0, buf.length, 0);
    const size = fs.fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      endsWithNewline = fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === NL;
    }
  } finally {
    fs.closeSync(fd);
  }
  const first = firstNonBlankLine(buf, n, n < buf.length);
  return {
    encoding: encodingProblem(buf, n),
    lineEnding: lineEndingProblem(buf, first?.endByte ?? n, first?.line ?? 1),
    firstLine: first && { text: first.text, line: first.line },
    endsWithNewline,
  };
}

/** A line as readRecords skips it before a CSV header: empty, or only ASCII spaces and controls (record-parser.ts). */
export function isBlankRecord(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) <= 0x20 && text.trim() === '');
}

/**
 * UTF-16 (or UTF-32) by its first two bytes: a byte order mark FF FE or FE FF, or a NUL byte, which UTF-8 text of the
 * format never starts with (a JSON line opens with `{`, a CSV file with its header) and UTF-16 without a mark does
 * wherever it holds ASCII. A file of zeros left by a crashed writer is refused by the same test.
 */
function encodingProblem(buf: Buffer, n: number): string | null {
  if (n < 2) return null;
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
    return `starts with a UTF-16 byte order mark (${buf[0] === 0xff ? 'FF FE' : 'FE FF'}): the export's files are UTF-8; nothing was imported (save it as UTF-8)`;
  if (buf[0] === 0 || buf[1] === 0)
    return "starts with a NUL byte: not UTF-8 text (UTF-16 without a byte order mark, or a file of zeros?); the export's files are UTF-8; nothing was imported";
  return null;
}

/** Every CR up to `until` (the end of the first line that is not blank) must be a CRLF's. */
function lineEndingProblem(buf: Buffer, until: number, line: number): string | null {
  for (let cr = buf.indexOf(CR); cr !== -1 && cr < until; cr = buf.indexOf(CR, cr + 1)) {
    if (buf[cr + 1] === NL) continue; // CRLF
    if (cr + 1 >= until) return null; // a CR at the very end of the sample or the file: nothing after it to judge
    if (buf[cr + 1] === CR && buf[cr + 2] === NL) {
      return `line ${line} ends in CR CR LF: lines must end in LF or CRLF (was a CRLF written through a text-mode stream that added another CR?)`;
    }
    return `line ${line} holds a bare carriage return (CR) with no newline (LF) after it: lines must end in LF or CRLF (was the file saved with classic Mac line endings?)`;
  }
  return null;
}

/**
 * The first line that is not blank, decoded, and the byte where it ends; null when the sample holds no complete one
 * (the parser then checks the header itself, record-parser.ts). `eof`: the sample is the whole file.
 */
function firstNonBlankLine(
  buf: Buffer,
  n: number,
  eof: boolean,
): { text: string; line: number; endByte: number } | null {
  let start = n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (let line = 1; start < n; line++) {
    const lf = buf.indexOf(NL, start);
    const end = lf === -1 || lf >= n ? n : lf;
    if (end === n && !eof) return null;
    const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
    const text = buf.toString('utf8', start, stop);
    if (!isBlankRecord(text)) return { text, line, endByte: end };
    start = end + 1;
  }
  return null;
}

let scratch = Buffer.allocUnsafe(4096);

/**
 * The record that starts at byte `offset` of an open file, decoded and without its line ending, exactly as
 * `readRecords` handed it over; undefined when it is not valid UTF-8 or not there. Reads a little at a time: a
 * record is usually a few hundred bytes, and this runs only to tell apart keys that share a hash.
 */
export function readRecordAt(fd: number, offset: number, csv: boolean): string | undefined {
  let state = FIELD_START;
  let have = 0;
  for (;;) {
    if (have === scratch.length) {
      if (have > MAX_RECORD_BYTES) return undefined;
      const bigger = Buffer.allocUnsafe(scratch.length * 4);
      scratch.copy(bigger, 0, 0, have);
      scratch = bigger;
    }
    const from = have;
    const n = fs.readSync(fd, scratch, have, scratch.length - have, offset + have);
    have += n;
    for (let i = from; i < have; i++) {
      const b = scratch[i];
      if (b === NL && (!csv || state !== QUOTED)) {
        const stop = i > 0 && scratch[i - 1] === CR ? i - 1 : i;
        return decodeStrict(scratch, 0, stop);
      }
      if (csv) state = scanCsv(scratch, i, i + 1, state);
    }
    if (n === 0) {
      const stop = have > 0 && scratch[have - 1] === CR ? have - 1 : have;
      return have === 0 ? undefined : decodeStrict(scratch, 0, stop);
    }
  }
}
