import { describe, expect, it } from 'vitest';
import { findContactHandles, hasContactHandle, normaliseForHandles } from './find';

const kinds = (text: string): string[] => findContactHandles(text).map((h) => h.kind);

describe('contact-handle recogniser: each obfuscation form is caught', () => {
  it.each([
    ['plain phone', '有需要联系 13800138000', 'phone', '13800138000'],
    ['phone with +86', '电话+86 139 1234 5678', 'phone', '13912345678'],
    ['full-width digits', '加我１３８００１３８０００', 'phone', '13800138000'],
    ['spaced digits', '电话 1 3 8 0 0 1 3 8 0 0 0 哦', 'phone', '13800138000'],
    ['dashed digits', '138-0013-8000', 'phone', '13800138000'],
    ['Chinese numerals', '一三八零零一三八零零零', 'phone', '13800138000'],
    ['Chinese numerals with 〇 and spaces', '幺三八 〇〇幺三 八〇〇〇', 'phone', '13800138000'],
    ['capital numerals', '壹叁捌零零壹叁捌零零零', 'phone', '13800138000'],
    ['vx id', '想要的 vx mango_shop88', 'wechat', 'mango_shop88'],
    ['V信 id', 'V信：fruitgirl2024', 'wechat', 'fruitgirl2024'],
    ['薇 id', '薇 abc12345 了解一下', 'wechat', 'abc12345'],
    ['wx: id', 'wx:daigou_hk', 'wechat', 'daigou_hk'],
    ['full-width wx', 'ｗｘ：ｌｉｎｄａ０８', 'wechat', 'linda08'],
    ['加我 + 微信号', '加我微信 sweet_cake99', 'wechat', 'sweet_cake99'],
    ['qq number', '扣扣 123456789', 'qq', '123456789'],
    ['http link', '看看 https://t.example.com/x1', 'link', 'https://t.example.com/x1'],
    ['short link', '戳 t.cn/A6xYz 领券', 'link', 't.cn/a6xyz'],
    ['bare domain', '优惠 shop123.top 速来', 'link', 'shop123.top'],
    ['➕V id', '现货 ➕V lucky_88 详聊', 'wechat', 'lucky_88'],
    ['威信同号 half full-width', '威信同号 １３８００１38000', 'phone', '13800138000'],
    ['加我V split phone', '加我V 138 0013 8000', 'phone', '13800138000'],
    ['薇❤ numerals then spaced digits', '薇❤ 一三八零零 1 3 8 0 0 0', 'phone', '13800138000'],
    ['short-link text', '戳 短链 url.cn/ab12c', 'link', '短链 url.cn/ab12c'],
    ['加我 + letters-only id', '加我 meimeiabc 有货', 'wechat', 'meimeiabc'],
    ['spaced keyword v 信', 'v 信 meimeiabc', 'wechat', 'meimeiabc'],
    ['emoji before the id', 'wx👉meimeiabc', 'wechat', 'meimeiabc'],
    ['numerals with emoji separators', '电话 一三八💕一二三💕四五六💕七八', 'phone', '13812345678'],
    ['dingbat digits', '❶❸❽❶❷❸❹❺❻❼❽', 'phone', '13812345678'],
    ['digits with symbol separators', '138🔸1234🔸5678', 'phone', '13812345678'],
  ])('%s', (_name, text, kind, value) => {
    const handles = findContactHandles(text);
    expect(handles).toContainEqual({ kind, text: value });
    expect(hasContactHandle(text)).toBe(true);
  });

  it('normalises full-width, numerals and separators', () => {
    expect(normaliseForHandles('ＶＸ：１ ３ ８')).toBe('vx:138');
    expect(normaliseForHandles('一三八零')).toBe('1380');
  });
});

describe('hard negatives are not flagged by the handle rule alone', () => {
  it.each([
    ['a meeting time', '明天3点见'],
    ['a shared bill', 'AA 聚餐 35.5'],
    ['rent', '房租 3200 十一月'],
    ['a name with 薇', '小薇你好呀，周末一起喝咖啡吗'],
    ['a bare 加我', '可以加我吗？'],
    ['ordinary numerals in words', '一起去看一场电影吧，三四个人'],
    ['short numbers', '我住3号楼 12层'],
    ['a date', '2026-11-24 见'],
    ['price list', '39 58 99'],
    // an id-like token before a WeChat keyword that is not tied to it by 是我 or brackets
    ['a phone model, then 微信 in a longer word', 'iphone15 是我的微信头像里那台手机'],
    ['a parcel number, then 微信', '快递 SF1234567 微信 发你了'],
    ['a flight number', 'CA1234 是我的航班，微信 联系'],
  ])('%s', (_name, text) => {
    expect(hasContactHandle(text)).toBe(false);
    expect(kinds(text).every((k) => k === 'solicit')).toBe(true);
  });

  it('a bare keyword is only a weak solicit hint', () => {
    expect(kinds('加我')).toEqual(['solicit']);
  });
});
