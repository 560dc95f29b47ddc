import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_AHEAD_MIN_BYTES, READ_AHEAD_WINDOW_BYTES, ReadAhead } from './read-ahead';
import { readRecords } from './record-reader';
import { tempDir } from '../../testing/export-files';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const isOpen = (fd: number): boolean => {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

/** Lets the thread's event loop turn until `done()` holds (the reads' callbacks run there), at most ~5 s. */
async function turnUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Open descriptors of this process on `file`, from /proc (Linux). */
const descriptorsOn = (file: string): number =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;

describe('ReadAhead', () => {
  it('keeps a window ahead of the parser, asks for nothing past the end, and closes once its reads settle', async () => {
    const file = path.join(dir, 'big.bin');
    const size = 3 * READ_AHEAD_WINDOW_BYTES + 12345;
    fs.writeFileSync(file, Buffer.alloc(size, 7));
    const fd = fs.openSync(file, 'r');
    const ahead = new ReadAhead(fd, size);

    ahead.advance(0);
    // Two requests at a time: libuv's threads are shared with the rest of the process (sign-in's password hashing).
    expect(ahead.requestedUpTo).toBe(8 << 20);
    for (let i = 0; i < 8; i++) ahead.advance(0);
    expect(ahead.requestedUpTo).toBe(READ_AHEAD_WINDOW_BYTES);
    ahead.advance(size - 100);
    ahead.advance(size - 100);
    expect(ahead.requestedUpTo).toBe(size);

    ahead.close();
    // Reads were in flight: the descriptor outlives close() until their callbacks have run.
    expect(isOpen(fd)).toBe(true);
    await turnUntil(() => !isOpen(fd));
    expect(isOpen(fd)).toBe(false);
  });

  it('closes at once when nothing is in flight', () => {
    const file = path.join(dir, 'small.bin');
    fs.writeFileSync(file, 'x');
    const fd = fs.openSync(file, 'r');
    new ReadAhead(fd, 1).close();
    expect(isOpen(fd)).toBe(false);
  });

  it('a big file streamed through readRecords is read ahead, yields every record, and its descriptor is closed afterwards', async () => {
    const file = path.join(dir, 'big.jsonl');
    const line = (i: number) => JSON.stringify({ id: `t${i}`, memo: 'x'.repeat(200) });
    const lines = Math.ceil(READ_AHEAD_MIN_BYTES / line(0).length) + 1000;
    const out = fs.openSync(file, 'w');
    const block: string[] = [];
    for (let i = 0; i < lines; i++) {
      block.push(line(i));
      if (block.length === 10_000 || i === lines - 1) {
        fs.writeSync(out, block.join('\n') + '\n');
        block.length = 0;
      }
    }
    fs.closeSync(out);
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(READ_AHEAD_MIN_BYTES);

    let count = 0;
    let wrong = 0;
    readRecords(file, false, {
      record: (text) => {
        if (text !== line(count)) wrong++;
        count++;
      },
      problem: () => wrong++,
      chunk: () => {},
    });
    expect({ count, wrong }).toEqual({ count: lines, wrong: 0 });
    // Still open: it was read ahead, and those reads' callbacks cannot have run while readRecords held the thread.
    expect(descriptorsOn(fs.realpathSync(file))).toBe(1);
    await turnUntil(() => descriptorsOn(fs.realpathSync(file)) === 0);
    expect(descriptorsOn(fs.realpathSync(file))).toBe(0);
  });
});
