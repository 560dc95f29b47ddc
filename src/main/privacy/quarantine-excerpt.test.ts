import { describe, expect, it } from 'vitest';
import { maskQuarantineExcerpt } from './quarantine-excerpt';

describe('maskQuarantineExcerpt', () => {
  it('masks the PII fields of a JSONL user row', () => {
    const raw = JSON.stringify({ id: 'u1', nickname: '小雨', real_name: '王小雨', phone: '13812345678', gender: 'X', birth_year: 1990 });
    const shown = maskQuarantineExcerpt('users.jsonl', raw);
    expect(shown).not.toContain('王小雨');
    expect(shown).not.toContain('13812345678');
    expect(shown).not.toContain('小雨"');
    expect(shown).toContain('"real_name":"王*"');
    expect(shown).toContain('"phone":"138****5678"');
    expect(shown).toContain('"gender":"X"'); // the broken field stays visible
  });

  it('masks greeting text and transfer memos by column in CSV', () => {
    const shown = maskQuarantineExcerpt('transfers.csv', 't1,u1,u2,abc,2026-11-01T10:00:00+08:00,"加我vx: abc123, 13900001111"');
    expect(shown).not.toContain('13900001111');
    expect(shown).not.toContain('abc123');
    expect(shown).toMatch(/^t1,u1,u2,abc,2026-11-01T10:00:00\+08:00,"\[text, \d+ chars\]"$/);
  });

  it('scrubs what it cannot parse: quoted PII values and long digit runs', () => {
    const shown = maskQuarantineExcerpt('users.jsonl', '{"id":"u2","real_name":"李雷","phone":"+86 139 0000 2222","gend');
    expect(shown).not.toContain('李雷');
    expect(shown).not.toMatch(/\d{4}/);
    expect(maskQuarantineExcerpt('greetings.jsonl', 'garbage 1 3 8 0 0 1 3 8 0 0 0 tail')).not.toMatch(/(\d\s){6}/);
  });

  it('clips long rows', () => {
    expect([...maskQuarantineExcerpt('merchants.jsonl', JSON.stringify({ id: 'm', name: 'x'.repeat(5000) }))].length).toBeLessThanOrEqual(241);
  });
});
