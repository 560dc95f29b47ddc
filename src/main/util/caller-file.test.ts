import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp';
import { CallerFileError, checkCallerFile, openCallerFile, readSmallCallerFile } from './caller-file';

const dir = tempDir();
const at = (name: string): string => path.join(dir, name);

fs.writeFileSync(at('plain.jsonl'), 'hello\n');
execFileSync('mkfifo', [at('fifo')]);
fs.symlinkSync(at('plain.jsonl'), at('link'));
fs.symlinkSync('/dev/zero', at('zero-link'));
fs.mkdirSync(at('dir'));
// A sparse file of 4 GiB: no disk used, but far over any cap.
fs.closeSync(fs.openSync(at('sparse'), 'w'));
fs.truncateSync(at('sparse'), 4 * 2 ** 30);
const socketServer = net.createServer().listen(at('socket'));
afterAll(() => socketServer.close());

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CallerFileError) return err.reason;
    throw err;
  }
  return 'opened';
}

describe('files a caller names', () => {
  it('opens a plain file within its cap, and reads no further than it was when opened', () => {
    const opened = openCallerFile(at('plain.jsonl'), 100);
    fs.appendFileSync(at('plain.jsonl'), 'more\n');
    expect(opened.size).toBe(6);
    fs.closeSync(opened.fd);
    expect(readSmallCallerFile(at('plain.jsonl'), 100)).toBe('hello\nmore\n');
  });

  it('refuses devices, FIFOs, sockets, links, directories, missing and oversized files without reading them', () => {
    const cases: Record<string, string> = {
      '/dev/zero': 'not_regular',
      '/dev/null': 'not_regular',
      [at('fifo')]: 'not_regular',
      [at('socket')]: 'not_regular',
      [at('link')]: 'link',
      [at('zero-link')]: 'link',
      [at('dir')]: 'directory',
      [at('missing')]: 'missing',
      [at('plain.jsonl/inside')]: 'missing',
      [at('sparse')]: 'too_large',
    };
    for (const [file, reason] of Object.entries(cases)) {
      expect({ file, reason: refusal(() => openCallerFile(file, 1 << 20)) }).toEqual({ file, reason });
      expect({ file, reason: refusal(() => checkCallerFile(file, 1 << 20)) }).toEqual({ file, reason });
    }
    expect(refusal(() => readSmallCallerFile('/dev/zero', 1 << 20))).toBe('not_regular');
  });

  it('says NOT_FOUND for a missing file and INVALID_INPUT for the rest, naming the file', () => {
    expect(() => openCallerFile(at('missing'), 10)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => openCallerFile(at('fifo'), 10)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: `${at('fifo')}: is a device, FIFO or socket, not a plain file`,
      }),
    );
    expect(() => openCallerFile(at('plain.jsonl'), 3)).toThrow(/is larger than 3 bytes/);
  });
});
