import { describe, expect, it } from 'vitest';
import { maskQuarantineExcerpt, maskQuarantineMessage } from './quarantine-excerpt';

const PII = ['王小雨', '小雨', '13812345678', '1990', '4321', '08:31', 'meimeiabc', '张三丰', '1 3 8'];
const leaks = (shown: string): string[] => PII.filter((p) => shown.includes(p));

describe('maskQuarantineExcerpt', () => {
  it('shows a JSONL user row field by field: ids and codes, nickname and phone masked, the rest as shapes', () => {
    const raw = JSON.stringify({
      id: 'u1',
      nickname: '小雨',
      real_name: '王小雨',
      phone: '13812345678',
      gender: 'X',
      birth_year: 1990,
      city: '杭州市',
    });
    const shown = maskQuarantineExcerpt('users.jsonl', raw);
    expect(leaks(shown)).toEqual([]);
    expect(JSON.parse(shown)).toEqual({
      id: 'u1',
      nickname: '小*',
      real_name: '[3 chars]',
      phone: '138****5678',
      gender: 'X',
      birth_year: '[number]',
      city: '杭州市',
    });
  });

  it('never shows an amount or a payment time, even in a field of a row that parsed', () => {
    const shown = maskQuarantineExcerpt(
      'transactions.jsonl',
      JSON.stringify({
        id: 't9',
        user_id: 'u1',
        merchant_id: 'm99999',
        amount_fen: 4321,
        paid_at: '2026-11-20T08:31:07+08:00',
      }),
    );
    expect(leaks(shown)).toEqual([]);
    expect(JSON.parse(shown)).toEqual({
      id: 't9',
      user_id: 'u1',
      merchant_id: 'm99999',
      amount_fen: '[number]',
      paid_at: '[25 chars]',
    });
  });

  it('masks CSV cells by what they look like, not by position: a reordered header or a stray comma leaks nothing', () => {
    // memo before amount (a reordered header), and a memo with an unquoted comma: 7 cells where 6 were expected.
    const reordered = maskQuarantineExcerpt(
      'transfers.csv',
      'xq2,u000001,u000002,找张三丰 加我 meimeiabc,3900,2026-11-20T08:31:07+08:00',
    );
    const shifted = maskQuarantineExcerpt(
      'transfers.csv',
      'xq3,u000001,u000002,4321,2026-11-20T08:31:07+08:00,好的,加我 meimeiabc 找张三丰',
    );
    for (const shown of [reordered, shifted]) expect(leaks(shown)).toEqual([]);
    expect(reordered).toBe('xq2,u000001,u000002,[17 chars],[4 chars],[25 chars]');
    expect(maskQuarantineExcerpt('transactions.csv', 't1,u1,m2,4321,2026-11-20T08:31:07+08:00')).toBe(
      't1,u1,m2,[4 chars],[25 chars]',
    );
  });

  it('masks text that would not parse token by token, keeping its structure and the documented keys', () => {
    const shown = maskQuarantineExcerpt(
      'users.jsonl',
      '{"id":"u2","real_name":王小雨,"phone":"+86 138 1234 5678","birth_year":1990,"gend',
    );
    expect(leaks(shown)).toEqual([]);
    expect(shown).toContain('"id":"u2"');
    expect(shown).toContain('"real_name":');
    expect(maskQuarantineExcerpt('greetings.jsonl', '{"weird_key": "vx meimeiabc"')).toBe('{"[key]": "[12 chars]"');
    expect(leaks(maskQuarantineExcerpt('greetings.jsonl', 'garbage 1 3 8 1 2 3 4 5 6 7 8 meimeiabc tail'))).toEqual([]);
  });

  it('clips long rows', () => {
    expect(
      [
        ...maskQuarantineExcerpt(
          'merchants.jsonl',
          JSON.stringify({ id: 'm', name: 'x'.repeat(5000), brand: 'b'.repeat(500) }),
        ),
      ].length,
    ).toBeLessThanOrEqual(241);
  });

  it("shows a message's quoted ids and field names, never a quoted name or a long number", () => {
    expect(
      maskQuarantineMessage(
        'user_id "u000123" is not a known user (not in the mirror or erased by this snapshot, and no row of users accepted by this import)',
      ),
    ).toBe(
      'user_id "u000123" is not a known user (not in the mirror or erased by this snapshot, and no row of users accepted by this import)',
    );
    expect(maskQuarantineMessage('unknown field "王小雨"')).toBe('unknown field "[3 chars]"');
    expect(maskQuarantineMessage('user_id "13812345678" is not a known user')).toBe(
      'user_id "[11 chars]" is not a known user',
    );
    expect(maskQuarantineMessage('phone 138 1234 5678 somewhere')).toBe('phone [number] somewhere');
    expect(maskQuarantineMessage('paid_at must be a time (e.g. 2026-11-24T08:30:00+08:00)')).toBe(
      'paid_at must be a time (e.g. 2026-11-24T08:30:00+08:00)',
    );
  });
});
