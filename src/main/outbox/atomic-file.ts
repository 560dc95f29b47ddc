import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `dir/name` atomically: the lines go to a temp file in the same directory, which is fsynced and then
 * renamed over the target, and the directory is fsynced so the rename itself survives power loss. A reader
 * (upstream's collector) therefore sees either no file or the whole file, never a half-written one.
 *
 * Shared by every outbox export (decisions, introductions). `lines` are written as-is, each followed by "\n".
 * Returns the final path.
 */
export function writeOutboxFile(dir: string, name: string, lines: Iterable<string>): string {
  if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
    throw new Error(`outbox file name must be a plain file name, got "${name}"`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, name);
  const temp = path.join(dir, `.${name}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = fs.openSync(temp, 'wx');
  try {
    // Chunked so a large export (a day's introductions) never builds one giant string.
    let chunk: string[] = [];
    let size = 0;
    for (const line of lines) {
      chunk.push(line);
      size += line.length;
      if (size >= 1 << 20) {
        fs.writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, target);
  fsyncDirectory(dir);
  return target;
}

function fsyncDirectory(dir: string): void {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
