import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutboxFile } from './atomic-file';
import { decisionsFileName, lastExportedDecisionId, writeDecisionsFile } from './decisions-file';

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

  it('names decision files by id range and finds the last exported id', () => {
    const dir = tempDir();
    expect(lastExportedDecisionId(dir)).toBe(0);
    const d = (id: number) => ({
      decision_id: String(id),
      user_id: 'u',
      action: 'warn',
      reason_code: 'r',
      decided_at: 'now',
      operator: 'op',
      note: '',
    });
    writeDecisionsFile(dir, [d(1), d(2)]);
    writeDecisionsFile(dir, [d(3)]);
    expect(fs.readdirSync(dir).sort()).toEqual([decisionsFileName(1, 2), decisionsFileName(3, 3)]);
    expect(lastExportedDecisionId(dir)).toBe(3);
  });
});
