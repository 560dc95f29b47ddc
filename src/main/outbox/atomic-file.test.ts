import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutboxFile } from './atomic-file';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));

describe('outbox files', () => {
  it('writes every line and leaves no temp file behind', () => {
    const dir = tempDir();
    const lines = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ i, text: 'x'.repeat(30) }));
    const file = writeOutboxFile(dir, 'introductions-2026-11-24.jsonl', lines);
    const back = fs.readFileSync(file, 'utf8').split('\n');
    expect(back.length).toBe(50_001);
    expect(back[49_999]).toBe(lines[49_999]);
    expect(fs.readdirSync(dir)).toEqual(['introductions-2026-11-24.jsonl']);
  });

  it('replaces an existing file whole', () => {
    const dir = tempDir();
    writeOutboxFile(dir, 'a.jsonl', ['1', '2', '3']);
    writeOutboxFile(dir, 'a.jsonl', ['4']);
    expect(fs.readFileSync(path.join(dir, 'a.jsonl'), 'utf8')).toBe('4\n');
  });

  it('refuses a name that would escape the directory', () => {
    expect(() => writeOutboxFile(tempDir(), '../x.jsonl', [])).toThrow(/plain file name/);
  });
});
