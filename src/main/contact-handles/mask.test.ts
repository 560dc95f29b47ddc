import { describe, expect, it } from 'vitest';
import { maskHandlesInText } from './mask';

/** What an operator may never read in evidence, a note or the outbox, however the seller disguised it. */
const SECRETS = ['meimeiabc', '13812345678', '138', '一三八', '❶❸❽', 'mango_88'];

describe('evidence text masking', () => {
  it.each([
    '加我 meimeiabc 有货',
    'v 信 meimeiabc',
    'wx👉meimeiabc',
    '电话 一三八💕一二三💕四五六💕七八',
    '❶❸❽❶❷❸❹❺❻❼❽',
    '本人 138🔸1234🔸5678 加我 meimeiabc',
    'he wrote vx: mango_88',
    'ＶＸ：ｍｅｉｍｅｉａｂｃ',
  ])('hides the handle in %s', (text) => {
    const masked = maskHandlesInText(text).text;
    for (const secret of SECRETS) expect(masked).not.toContain(secret);
    expect(masked).toMatch(/⟦(wechat|phone|id)⟧/);
  });

  it('keeps ordinary words (case and all) and short numbers readable, digits as #', () => {
    expect(maskHandlesInText('AA 聚餐 35 元，3点见').text).toBe('AA 聚餐 ## 元,#点见');
    expect(maskHandlesInText('False positive: wedding gifts').text).toBe('False positive: wedding gifts');
    expect(maskHandlesInText('').text).toBe('');
  });
});

describe('masked texts kept by their text', () => {
  it('a text met again gets the same masking, which no caller can change for the next', () => {
    const first = maskHandlesInText('加我 meimeiabc 有货 13812345678');
    const again = maskHandlesInText('加我 meimeiabc 有货 13812345678');
    expect(again).toEqual(first);
    expect(Object.isFrozen(again) && Object.isFrozen(again.handles)).toBe(true);
    expect(() => (again.handles as unknown[]).push({ kind: 'phone', obfuscated: false })).toThrow();
  });

  it('after many other texts pushed the oldest out, masking is still the same function of the text', () => {
    const text = '本人 138🔸1234🔸5678 加我 meimeiabc';
    const before = { ...maskHandlesInText(text) };
    // ~4 MB of distinct texts: more than is kept, so `text` is masked afresh below.
    for (let i = 0; i < 40_000; i++) maskHandlesInText(`订单 ${i} 号 ${'好'.repeat(40)} vx: seller_${i}`);
    expect(maskHandlesInText(text)).toEqual(before);
    expect(maskHandlesInText('vx: seller_39999 订单').text).not.toContain('seller_39999');
  });

  it('a text met again and again stays kept while many others pass through', () => {
    const text = '加我 vx: often_seen_1 每天上新';
    const kept = maskHandlesInText(text);
    // ~4 MB of distinct texts again, the often-met one masked between them: it is the very same kept answer each time.
    for (let i = 0; i < 40_000; i++) {
      maskHandlesInText(`订单 ${i} 号 ${'好'.repeat(40)} vx: passing_${i}`);
      if (i % 1000 === 0) expect(maskHandlesInText(text)).toBe(kept);
    }
    expect(maskHandlesInText(text)).toBe(kept);
  });
});
