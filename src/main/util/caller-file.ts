import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../shared/envelope';

/**
 * Files a caller names — an export directory's files for an import, a labels file for an evaluation — are opened
 * only through here. A path can name anything on the machine: a device that never ends (/dev/zero), a FIFO whose
 * open waits forever for a writer, a socket, a symbolic link to a file the caller may not read, a sparse file of a
 * terabyte. Such a file is refused before a byte of it is read; a regular file is opened without following a link
 * in its last component, checked again on the open descriptor (the path may have been swapped in between), and
 * read only up to a size cap, by whoever streams it with a bounded buffer.
 */

/** The caps, in one place: each far above what a real file of its kind holds, far below what exhausts a machine. */
export const CALLER_FILE_MAX_BYTES = {
  /** manifest.json: a few hundred bytes in every real export. */
  manifest: 1 << 20,
  /**
   * labels.jsonl (generated ground truth): ~60–75 bytes an account, so ~1,000,000 accounts. What the evaluation
   * keeps per account (its id and a map entry) is bounded by this too: ~120 MB at worst, short ids on short lines.
   */
  labels: 64 << 20,
  /**
   * One data file of an export: a large province's transactions are ~5 GB (DATA-FORMAT.md, "Sizes to plan for").
   * Records are streamed (1 MiB at most each, record-reader.ts), so this bounds time, not memory.
   */
  exportFile: 64 * 2 ** 30,
} as const;

/** Why a named file was refused: callers word it (or deliberately do not: see the evaluation's labels). */
export type CallerFileRefusal = 'missing' | 'link' | 'directory' | 'not_regular' | 'too_large' | 'unreadable';

/** A refused file: NOT_FOUND when it is not there, INVALID_INPUT for anything else (callers may reword it). */
export class CallerFileError extends DomainError {
  constructor(
    readonly reason: CallerFileRefusal,
    readonly file: string,
    message: string,
  ) {
    super(reason === 'missing' ? 'NOT_FOUND' : 'INVALID_INPUT', message);
  }
}

export interface OpenedCallerFile {
  fd: number;
  /** Bytes at open: read no further (a file that grows while it is read is read as it was). */
  size: number;
}

const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0, O_NOCTTY = 0 } = fs.constants;

function describe(stat: fs.Stats): CallerFileRefusal {
  return stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'directory' : 'not_regular';
}

function refusal(reason: CallerFileRefusal, file: string, maxBytes: number): CallerFileError {
  const says: Record<CallerFileRefusal, string> = {
    missing: 'does not exist',
    link: 'is a symbolic link',
    directory: 'is a directory',
    not_regular: 'is a device, FIFO or socket, not a plain file',
    too_large: `is larger than ${maxBytes.toLocaleString('en')} bytes, the most a file of its kind may be`,
    unreadable: 'cannot be read',
  };
  return new CallerFileError(reason, file, `${file}: ${says[reason]}`);
}

/**
 * What `file` is, without opening it: refuses what is not a plain file within `maxBytes` (CallerFileError). For
 * answering a call at once, before a worker opens the file for real with `openCallerFile`.
 */
export function checkCallerFile(file: string, maxBytes: number): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refusal(code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', file, maxBytes);
  }
  if (!stat.isFile()) throw refusal(describe(stat), file, maxBytes);
  if (stat.size > maxBytes) throw refusal('too_large', file, maxBytes);
  return stat;
}

/**
 * Opens `file` for reading when it is a plain file within `maxBytes`, else throws CallerFileError. The file is
 * looked at first (nothing that is not a plain file is ever opened: opening some devices does something), then
 * opened without following a link and without blocking (a FIFO swapped in cannot hold the open), and the open
 * descriptor must be the very file looked at. Close the descriptor when done.
 */
export function openCallerFile(file: string, maxBytes: number): OpenedCallerFile {
  const seen = checkCallerFile(file, maxBytes);
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refusal(code === 'ELOOP' ? 'link' : code === 'ENOENT' ? 'missing' : 'unreadable', file, maxBytes);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.dev !== seen.dev || stat.ino !== seen.ino) throw refusal('not_regular', file, maxBytes);
    if (stat.size > maxBytes) throw refusal('too_large', file, maxBytes);
    return { fd, size: stat.size };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** A small caller-named file (a manifest) read whole, as text: at most `maxBytes`, by the rules of openCallerFile. */
export function readSmallCallerFile(file: string, maxBytes: number): string {
  const { fd, size } = openCallerFile(file, maxBytes);
  try {
    const buf = Buffer.alloc(size);
    let have = 0;
    while (have < size) {
      const n = fs.readSync(fd, buf, have, size - have, have);
      if (n === 0) break;
      have += n;
    }
    return buf.toString('utf8', 0, have);
  } finally {
    fs.closeSync(fd);
  }
}

/** True when `file` sits directly in `dir` (both resolved), by name: nothing is looked at on disk. */
export function isDirectlyIn(file: string, dir: string): boolean {
  return path.dirname(path.resolve(file)) === path.resolve(dir);
}
