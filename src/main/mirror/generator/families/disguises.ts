import type { Rng } from '../random';

/**
 * How people write a contact handle so a filter misses it, as seen on stranger-social platforms: keyword slang for
 * WeChat and QQ, emoji as the keyword, digits spaced, full-width, in Chinese numerals or as look-alike letters,
 * zero-width characters inside the keyword and the id. Each account uses a few styles of its own.
 */
export interface Contact {
  phone: string;
  chatId: string;
  qq: string;
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const CN_DIGITS_ALT = ['〇', '幺', '两', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const ZW = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];

export function newContact(rng: Rng): Contact {
  const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(1e9)).padStart(9, '0')}`;
  const stem = rng.pick(['mango', 'sweet', 'xiaomei', 'shop', 'lucky', 'daigou', 'yummy', 'fresh', 'tiantian', 'aiai']);
  const chatId = rng.chance(0.3)
    ? `${stem}${rng.pick(['', 'x', 'abc', 'ya', 'mm'])}${rng.pick(['', 'xx', 'le', 'zz'])}`.padEnd(6, 'a')
    : `${stem}${rng.pick(['_', '', '-'])}${rng.range(10, 9999)}`;
  const qq = String(rng.range(10_000, 3_999_999_999));
  return { phone, chatId, qq };
}

export const fullWidth = (s: string): string =>
  s.replace(/[0-9a-zA-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
export const spaced = (s: string): string => s.split('').join(' ');
export const chineseNumerals = (s: string, alt = false): string =>
  s.replace(/[0-9]/g, (d) => (alt ? CN_DIGITS_ALT : CN_DIGITS)[Number(d)]!);
/** Look-alike letters for some digits (O for 0, l or I for 1, B for 8). */
export const lookAlike = (s: string, rng: Rng): string =>
  s.replace(/[018]/g, (d) =>
    !rng.chance(0.7) ? d : d === '0' ? rng.pick(['O', 'o']) : d === '1' ? rng.pick(['l', 'I']) : 'B',
  );
/** Zero-width characters sprinkled between characters. */
export const zeroWidth = (s: string, rng: Rng): string =>
  [...s].map((c, i) => (i > 0 && rng.chance(0.5) ? rng.pick(ZW) + c : c)).join('');

const WECHAT_WORDS = [
  'vx',
  'VX',
  'V信',
  'v信',
  '薇',
  '威信',
  '微',
  'wx',
  'Wechat',
  '绿泡泡',
  '卫星',
  '维信',
  '🟢泡泡',
  'ⓥⓧ',
];
const QQ_WORDS = ['QQ', 'qq', '扣扣', '企鹅', '🐧', 'Q号', '抠抠'];
const PHONE_WORDS = ['电话', '手机', '📞', '☎️', 'Tel', '打我电话', '号码'];
const EMOJI_WECHAT = ['💚', '🟩', '🟢'];

/** All disguise styles (the recogniser must see through each of them). */
export const DISGUISES = [
  'plain',
  'spaced',
  'full_width',
  'numerals',
  'numerals_alt',
  'split_phone',
  'emoji_separated',
  'look_alike',
  'zero_width',
  'emoji_keyword',
  'slang_keyword',
  'qq',
  'phone_keyword',
] as const;
export type Disguise = (typeof DISGUISES)[number];

/** An account's own few styles. */
export function pickDisguises(rng: Rng, k: number): Disguise[] {
  const out: Disguise[] = [];
  while (out.length < k) {
    const d = rng.pick(DISGUISES);
    if (!out.includes(d)) out.push(d);
  }
  return out;
}

/** One contact mention in the given style. */
export function disguise(c: Contact, style: Disguise, rng: Rng): string {
  const w = (): string => rng.pick(WECHAT_WORDS);
  const sep = (): string => rng.pick(['', ' ', ':', '：', ' ', '号 ', '号：']);
  switch (style) {
    case 'plain':
      return rng.chance(0.5) ? `${w()}${sep()}${c.chatId}` : `${w()}${sep()}${c.phone}`;
    case 'spaced':
      return `${w()} ${spaced(c.phone)}`;
    case 'full_width':
      return `${fullWidth(rng.pick(['vx', 'wx', 'V']))}${rng.pick(['：', ' '])}${fullWidth(rng.chance(0.5) ? c.phone : c.chatId)}`;
    case 'numerals':
      return `${rng.pick(['加我', '薇', '联系'])} ${chineseNumerals(c.phone)}`;
    case 'numerals_alt':
      return `${w()} ${chineseNumerals(c.phone.slice(0, 5), true)}${spaced(c.phone.slice(5))}`;
    case 'split_phone':
      return `加我${rng.pick(['V', 'v', '微'])} ${c.phone.slice(0, 3)} ${c.phone.slice(3, 7)} ${c.phone.slice(7)}`;
    case 'emoji_separated': {
      const e = rng.pick(['💕', '🔸', '⭐', '🌸', '·']);
      return `${w()} ${c.phone.slice(0, 3)}${e}${c.phone.slice(3, 7)}${e}${c.phone.slice(7)}`;
    }
    case 'look_alike':
      return `${w()}${sep()}${lookAlike(c.phone, rng)}`;
    case 'zero_width':
      return zeroWidth(
        `${rng.pick(['vx', 'wx', '微信', 'V信'])}${rng.pick([':', ' '])}${rng.chance(0.5) ? c.chatId : c.phone}`,
        rng,
      );
    case 'emoji_keyword':
      return `${rng.pick(EMOJI_WECHAT)}${rng.pick(['', ' ', '：'])}${rng.chance(0.5) ? c.chatId : c.phone}`;
    case 'slang_keyword':
      return `${rng.pick(['绿泡泡', '卫星', '维信', '🟢泡泡', 'V❤', '➕V', '+v'])}${rng.pick(['', ' ', '：'])}${rng.chance(0.5) ? c.chatId : c.phone}`;
    case 'qq':
      return `${rng.pick(QQ_WORDS)}${rng.pick(['', ' ', '：', '号'])}${rng.chance(0.3) ? spaced(c.qq) : c.qq}`;
    case 'phone_keyword':
      return `${rng.pick(PHONE_WORDS)}${rng.pick(['', ' ', '：'])}${rng.chance(0.5) ? c.phone.replace(/(\d{3})(\d{4})(\d{4})/, '$1-$2-$3') : c.phone}`;
  }
}
