/**
 * Recognises contact handles (phone numbers, WeChat / QQ ids, links) in free text such as greetings, including the
 * obfuscations sellers use to slip past naive filters: `vx`, `V信`, `薇`, `加我`, `wx:`, full-width digits, digits
 * spaced or dotted apart, and Chinese numerals standing in for digits.
 *
 * A handle is only "strong" when there is something to contact: a phone number, an id after a WeChat/QQ keyword,
 * or a link. A bare keyword ("加我", "小薇") is reported as a weak `solicit` hint and never flags anyone on its own,
 * so greetings like "3点见" or "AA 聚餐 35" and names containing 薇 stay clean.
 */

import type { HandleKind } from '../../shared/domain/detection';

export type { HandleKind } from '../../shared/domain/detection';

export interface ContactHandle {
  kind: HandleKind;
  /** The matched text after normalisation (what an operator would dial or search for). */
  text: string;
}

const CHINESE_DIGIT: Readonly<Record<string, string>> = {
  零: '0',
  〇: '0',
  '○': '0',
  洞: '0',
  一: '1',
  壹: '1',
  幺: '1',
  么: '1',
  二: '2',
  贰: '2',
  貳: '2',
  三: '3',
  叁: '3',
  參: '3',
  四: '4',
  肆: '4',
  五: '5',
  伍: '5',
  六: '6',
  陆: '6',
  陸: '6',
  七: '7',
  柒: '7',
  八: '8',
  捌: '8',
  九: '9',
  玖: '9',
};
const NUMERAL_CLASS = '[零〇○洞一壹幺么二贰貳三叁參四肆五伍六陆陸七柒八捌九玖]';
/** Between digits or numerals: spaces, punctuation, and any symbol or emoji a seller puts there (`138💕1234`). */
const SEPARATOR_CLASS = '[\\s\\-_.·・,，、|/*~\\p{So}\\p{Sk}\\p{Sm}\\p{Cf}\\uFE0F]';
/** Circled and dingbat digits NFKC leaves alone (❶, ➀, ➊, ⓵): each to its ASCII digit. */
const ENCLOSED_DIGITS: readonly [number, number, number][] = [
  [0x2776, 0x277f, 1], // ❶–❿ (❿ = 10 → '0' is wrong, but a phone never has a 10)
  [0x2780, 0x2789, 1], // ➀–➉
  [0x278a, 0x2793, 1], // ➊–➓
  [0x24f5, 0x24fe, 1], // ⓵–⓾
];
function enclosedDigit(c: string): string {
  const code = c.codePointAt(0)!;
  if (code === 0x24ff || code === 0x24ea) return '0'; // ⓿ ⓪
  for (const [from, to, first] of ENCLOSED_DIGITS)
    if (code >= from && code <= to) return String((code - from + first) % 10);
  return c;
}
const ENCLOSED = /[\u2776-\u2793\u24ea\u24f5-\u24ff]/g;
/**
 * Only runs of 4+ Chinese numerals become digits: a phone spelled out is 11 of them, while ordinary words
 * ("一起", "一二三木头人") stay words.
 */
const NUMERAL_RUN = new RegExp(`${NUMERAL_CLASS}(?:${SEPARATOR_CLASS}*${NUMERAL_CLASS}){3,}`, 'gu');
const NUMERAL_CHAR = new RegExp(NUMERAL_CLASS, 'g');
const DIGIT_SEPARATOR = new RegExp(`(\\d)${SEPARATOR_CLASS}+(?=\\d)`, 'gu');

/**
 * Full-width to ASCII (NFKC), Chinese numeral runs to digits, separators between digits removed, lower case.
 * Exported for tests and for evidence display.
 */
export function normaliseForHandles(text: string): string {
  return text
    .normalize('NFKC')
    .replace(ENCLOSED, enclosedDigit)
    .replace(NUMERAL_RUN, (run) => run.replace(NUMERAL_CHAR, (c) => CHINESE_DIGIT[c] ?? c))
    .replace(DIGIT_SEPARATOR, '$1')
    .toLowerCase();
}

const PHONE = /(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)/g;
/** WeChat keyword, then optional "号/是/:" glue, then an id (WeChat ids are 6–20 chars from a letter; numbers too). */
const WECHAT =
  /(?:v\s?信|vx|v❤|wx|weixin|wechat|微信|薇信|威信|围信|徽信|卫星|薇|加v|加微|加我|\+v|➕v)[\s:=：\p{So}\p{Sk}\uFE0F]*(?:号|号码|是|id)?[\s:=：\p{So}\p{Sk}\uFE0F]*([a-z][a-z0-9_-]{4,19}|\d{5,12})(?![a-z0-9_-])/gu;
const QQ = /(?:qq|扣扣|企鹅)\s*(?:号|是)?\s*[:=]?\s*(\d{5,11})(?!\d)/g;
const LINK =
  /(?:t\.cn\/\S+|https?:\/\/[^\s，。！!]+|www\.[^\s，。！!]+|(?<![a-z0-9@])[a-z0-9-]{2,}\.(?:com|cn|net|cc|top|xyz|vip|me|io|ly|link)(?:\/[^\s，。！!]*)?|短链[:：]?\s*\S+)/g;
const SOLICIT = /加我|私聊|私信我|联系我|v信|vx|wx|微信|薇|加v|加微|扣扣|qq/g;

export function findContactHandles(text: string): ContactHandle[] {
  const s = normaliseForHandles(text);
  const found: ContactHandle[] = [];
  for (const m of s.matchAll(PHONE)) found.push({ kind: 'phone', text: m[1]! });
  for (const m of s.matchAll(WECHAT)) {
    // A bare 11-digit id after "vx" is the phone number already reported; keep one entry per number.
    if (!found.some((h) => h.kind === 'phone' && h.text === m[1])) found.push({ kind: 'wechat', text: m[1]! });
  }
  for (const m of s.matchAll(QQ)) found.push({ kind: 'qq', text: m[1]! });
  for (const m of s.matchAll(LINK)) found.push({ kind: 'link', text: m[0] });
  if (found.length === 0) for (const m of s.matchAll(SOLICIT)) found.push({ kind: 'solicit', text: m[0] });
  return found;
}

/** True when the text carries something contactable (not just a keyword). */
export function hasContactHandle(text: string): boolean {
  return findContactHandles(text).some((h) => h.kind !== 'solicit');
}

/** True when the text contains a link (spam signal, separate from contact handles for sellers). */
export function hasLink(text: string): boolean {
  return findContactHandles(text).some((h) => h.kind === 'link');
}
