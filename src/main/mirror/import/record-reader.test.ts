import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsvRecord } from './csv';
import { parseIsoTime } from './fields';
import { readRecordAt, readRecords } from './record-reader';
import { tempDir } from '../../testing/export-files';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function collect(file: string, csv: boolean) {
  const records: { text: string; line: number; unterminated: boolean }[] = [];
  const offsets: number[] = [];
  const problems: { reason: string; line: number }[] = [];
  let lastChunk = 0;
  readRecords(file, csv, {
    record: (text, line, unterminated, offset) => {
      records.push({ text, line, unterminated });
      offsets.push(offset);
    },
    problem: (reason, line) => problems.push({ reason, line }),
    chunk: (done) => void (lastChunk = done),
  });
  return { records, offsets, problems, lastChunk };
}

/** Every record read again at its offset is the record as first read. */
function rereadAll(file: string, csv: boolean, records: { text: string }[], offsets: number[]): void {
  const fd = fs.openSync(file, 'r');
  try {
    records.forEach((r, i) => {
      const again = readRecordAt(fd, offsets[i]!, csv);
      if (again !== r.text) expect({ i, again }).toEqual({ i, again: r.text });
    });
  } finally {
    fs.closeSync(fd);
  }
}

describe('readRecords', () => {
  it('keeps CSV records with quoted newlines whole across 4 MiB chunk boundaries, with their starting line numbers', () => {
    const file = path.join(dir, 'transfers.csv');
    const expected: { text: string; line: number }[] = [];
    let content = '';
    let line = 1;
    for (let i = 0; content.length < 9 * 1024 * 1024; i++) {
      const memo = i % 3 === 0 ? `"line one ${i}\r\nline ""two""\nthree"` : `plain ${i}`;
      const text = `x${i},u1,u2,${i + 1},2026-11-01T08:00:00+08:00,${memo}`;
      expected.push({ text, line });
      content += `${text}\r\n`;
      line += i % 3 === 0 ? 3 : 1;
    }
    fs.writeFileSync(file, content);
    const { records, offsets, problems, lastChunk } = collect(file, true);
    expect(problems).toEqual([]);
    rereadAll(file, true, records, offsets);
    expect(records.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      if (records[i]!.text !== expected[i]!.text || records[i]!.line !== expected[i]!.line) {
        expect({ i, ...records[i] }).toEqual({ i, ...expected[i], unterminated: false });
      }
    }
    expect(lastChunk).toBe(Buffer.byteLength(content));
  });

  it('skips a 10 MB line without buffering it and goes on at the next line; reports an unterminated last line', () => {
    const file = path.join(dir, 'users.jsonl');
    fs.writeFileSync(file, `{"a":1}\n{"big":"${'y'.repeat(10 * 1024 * 1024)}"}\n{"a":3}\n{"a":4`);
    const { records, offsets, problems } = collect(file, false);
    expect(problems).toEqual([{ reason: 'line_too_long', line: 2 }]);
    rereadAll(file, false, records, offsets);
    expect(records).toEqual([
      { text: '{"a":1}', line: 1, unterminated: false },
      { text: '{"a":3}', line: 3, unterminated: false },
      { text: '{"a":4', line: 4, unterminated: true },
    ]);
  });

  it('gives each record its byte offset, after a BOM and with CRLF, multi-byte text included', () => {
    const file = path.join(dir, 'greetings.jsonl');
    fs.writeFileSync(file, '\uFEFF{"t":"你好"}\r\n\r\n{"t":"😀"}\r\n{"t":"end"}');
    const { records, offsets } = collect(file, false);
    expect(records.map((r) => r.text)).toEqual(['{"t":"你好"}', '', '{"t":"😀"}', '{"t":"end"}']);
    expect(offsets).toEqual([3, 3 + 14 + 2, 3 + 14 + 2 + 2, 3 + 14 + 2 + 2 + 12 + 2]);
    rereadAll(file, false, records, offsets);
  });

  it('tells invalid UTF-8 from a real U+FFFD in the text', () => {
    const file = path.join(dir, 'users.jsonl');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('{"a":"\uFFFD"}\n'), Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a])]),
    );
    const { records, problems } = collect(file, false);
    expect(records.map((r) => r.text)).toEqual(['{"a":"\uFFFD"}']);
    expect(problems).toEqual([{ reason: 'invalid_utf8', line: 2 }]);
  });
});

describe('parseCsvRecord', () => {
  it('tells null (unquoted empty) from "" and unescapes doubled quotes', () => {
    expect(parseCsvRecord('a,,"",""""," x,y "')).toEqual(['a', null, '', '"', ' x,y ']);
    expect(parseCsvRecord('a,b,')).toEqual(['a', 'b', null]);
    expect(parseCsvRecord('"a",')).toEqual(['a', null]);
  });
  it('refuses stray and unclosed quotes', () => {
    expect(() => parseCsvRecord('a,b"c')).toThrow(/quote inside unquoted cell 2/);
    expect(() => parseCsvRecord('"a"b,c')).toThrow(/after the closing quote of cell 1/);
    expect(() => parseCsvRecord('"abc')).toThrow(/never closed/);
  });
});

describe('parseIsoTime', () => {
  it('agrees with Date.parse and keeps the offset in minutes', () => {
    for (const s of [
      '2026-11-24T08:30:00+08:00',
      '1999-12-31T23:59:59-05:30',
      '2024-02-29T00:00:00Z',
      '2026-01-01T00:00:00.999+00:00',
      '1970-01-01T00:00:00+14:00',
    ]) {
      const t = parseIsoTime(s);
      expect(t?.[0]).toBe(Math.floor(Date.parse(s) / 1000));
    }
    expect(parseIsoTime('2026-11-24T08:30:00-05:30')?.[1]).toBe(-330);
  });
  it("reads an offset in ISO 8601's other spellings as the same offset: ±HHMM (strftime's %z) and ±HH", () => {
    for (const [other, usual] of [
      ['2026-11-24T08:30:00+0800', '2026-11-24T08:30:00+08:00'],
      ['2026-11-24T08:30:00+08', '2026-11-24T08:30:00+08:00'],
      ['2026-11-24T08:30:00.250-0530', '2026-11-24T08:30:00-05:30'],
      ['2026-11-24T08:30:00-00', '2026-11-24T08:30:00Z'],
    ]) {
      expect(parseIsoTime(other!), other).toEqual(parseIsoTime(usual!));
    }
  });
  it('refuses times without offset and impossible dates', () => {
    for (const s of [
      '2026-11-24T08:30:00',
      '2026-11-24 08:30:00+08:00',
      '2025-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T08:30:00+8:00',
      '2026-11-24T08:30:00+08:00 ',
      '2026-11-24T08:30:00+080',
      '2026-11-24T08:30:00+08:0',
      '2026-11-24T08:30:00+0860',
      '2026-11-24T08:30:00+1500',
    ]) {
      expect(parseIsoTime(s), s).toBeUndefined();
    }
  });
});
