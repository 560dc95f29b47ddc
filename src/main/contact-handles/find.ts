/**
 * Recognises contact handles (phone numbers, WeChat / QQ ids, links) in free text such as greetings, including the
 * disguises sellers and spammers use to slip past naive filters:
 * - keywords in slang or symbols: `vx`, `V信`, `薇`, `威信`, `维信`, `卫星`, `绿泡泡`, `💚`, `🐧`, `扣扣`, `企鹅`, `Q号`,
 *   `➕V`, `加我`, `wei xin`, `📞`, `叩叩`, a lone `Q:` before a QQ number, spelled with spaces (`v x`), full-width
 *   (`ｖｘ`), enclosed or styled letters (`ⓥⓧ`, `𝐯𝐱`), Cyrillic or Greek look-alike letters (`vх`), `v我` ("WeChat me");
 * - chat between the keyword and the id: a few sentence particles and marks (`加我微信吧：id`, `加个微信？id`, `QQ呢 …`);
 * - zero-width and other invisible characters anywhere, inside the keyword and inside the id;
 * - digits full-width, spaced, dashed, split by symbols, emoji or single latin letters (`138a1234b5678`), as Chinese
 *   numerals (also 幺, 两, 〇 and the capital forms), spelled in pinyin (`yao san ba …`), as circled or dingbat
 *   digits, or as look-alike letters (`O` for 0, `l` or `I` for 1, `B` for 8);
 * - a phone number written backwards and announced so (`倒过来读 00083100831`).
 *
 * A handle is only "strong" when there is something to contact: a phone number, an id after a WeChat/QQ keyword, or
 * a link. A bare keyword ("加我", "小薇") is a weak `solicit` hint that never flags anyone on its own, so greetings
 * like "3点见" or "AA 聚餐 35", names containing 薇 and ordinary English words stay clean.
 */

import type { HandleKind } from '../../shared/domain/detection';

export type { HandleKind } from '../../shared/domain/detection';

export interface ContactHandle {
  kind: HandleKind;
  /** The matched text after normalisation, lower case (what an operator would dial or search for). */
  text: string;
}

/** A handle and where it sits in the display form (normaliseForDisplay) of the text. */
export interface HandleSpan extends ContactHandle {
  start: number;
  end: number;
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
  两: '2',
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
const NUMERAL_CLASS = `[${Object.keys(CHINESE_DIGIT).join('')}]`;
/**
 * Between digits or numerals: spaces, punctuation, any dash (`138—0013—8000` with em or en dashes, not only `-`), and
 * any symbol or emoji a seller puts there (`138💕1234`).
 */
const SEPARATOR_CLASS = '[\\s\\-\\p{Pd}_.·・,，、|/*~\\p{So}\\p{Sk}\\p{Sm}\\uFE0F]';
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
 * Decimal digits of other scripts (Arabic-Indic ١٣٨, Persian ۱۳۸, Devanagari १३८, Thai ๑๓๘ …), which NFKC leaves as
 * they are: a phone written in them is still dialled as 138…, and left alone it also passed masking (only ASCII
 * digits become `#`) straight into the operator's view.
 */
const OTHER_SCRIPT_DIGIT = /(?![0-9])\p{Nd}/gu;
/** Unicode encodes every script's decimal digits as one run from 0 to 9, so a digit's value is its place in the run. */
function otherScriptDigit(c: string): string {
  let code = c.codePointAt(0)!;
  let value = 0;
  while (/\p{Nd}/u.test(String.fromCodePoint(code - 1))) {
    code--;
    value++;
  }
  return String(value % 10);
}
/**
 * Invisible characters: format characters (zero-width space / joiners, word joiner, BOM, soft hyphen, bidi marks),
 * Hangul fillers; variation selectors and combining marks (COMBINING) a seller can slip between the letters of `vx` or the digits of an id.
 */
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0\u180e]/gu;
const COMBINING = /\p{M}/gu;
/**
 * Cyrillic and Greek letters that look like latin ones (`vх` with a Cyrillic х), and the small capitals "fancy text"
 * generators use (`ᴠx`, `ᴡᴇᴄʜᴀᴛ`), which NFKC leaves alone, to their latin twin.
 */
const CONFUSABLE: Readonly<Record<string, string>> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  к: 'k',
  м: 'm',
  т: 't',
  в: 'b',
  н: 'h',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  ν: 'v',
  ο: 'o',
  χ: 'x',
  α: 'a',
  ι: 'i',
  κ: 'k',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  Ο: 'O',
  Χ: 'X',
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
};
const CONFUSABLES = new RegExp(`[${Object.keys(CONFUSABLE).join('')}]`, 'g');
/**
 * Only runs of 4+ Chinese numerals become digits: a phone spelled out is 11 of them, while ordinary words
 * ("一起", "一二三木头人", "两三个人") stay words.
 */
const NUMERAL_RUN = new RegExp(`${NUMERAL_CLASS}(?:${SEPARATOR_CLASS}*${NUMERAL_CLASS}){3,}`, 'gu');
const NUMERAL_CHAR = new RegExp(NUMERAL_CLASS, 'g');
/**
 * Numerals and digits taking turns (`1三8零0一3八0〇0`) leave no run of four numerals, yet spell a number: a run of
 * 7+ digits and numerals with at least two of each becomes digits. Seven is well short of a phone, and more than an
 * ordinary sentence strings together ("10 20 一起" has one numeral, "2026 年一月" is broken by 年).
 */
const DIGIT_OR_NUMERAL = `[0-9${Object.keys(CHINESE_DIGIT).join('')}]`;
const MIXED_RUN = new RegExp(`${DIGIT_OR_NUMERAL}(?:${SEPARATOR_CLASS}*${DIGIT_OR_NUMERAL}){6,}`, 'gu');
const mixedRunToDigits = (run: string): string =>
  (run.match(NUMERAL_CHAR)?.length ?? 0) >= 2 && (run.match(/[0-9]/g)?.length ?? 0) >= 2
    ? run.replace(NUMERAL_CHAR, (c) => CHINESE_DIGIT[c] ?? c)
    : run;
/**
 * Separators between digits go, except inside a date written with them (2026-11-24, 2026.11.24, 2026/11/24): glued,
 * "微信 2026-11-24 的转账" read as a WeChat id 20261124. A date standing alone, that is: digits before it or more
 * after it (`138-2012-05-18`, `2026-1-2-3`) make it part of a longer number, glued as usual.
 */
const DATE_OR_DIGIT_SEPARATOR = new RegExp(
  `((?<!\\d${SEPARATOR_CLASS}*)(?:19|20)\\d\\d([-./])(?:0?[1-9]|1[0-2])\\2(?:0?[1-9]|[12]\\d|3[01])(?!\\d|\\2\\d))|(\\d)${SEPARATOR_CLASS}+(?=\\d)`,
  'gu',
);
const keepDateOrGlueDigits = (_: string, date: string | undefined, _sep: string, digit: string): string =>
  date ?? digit;
/**
 * A phone number written partly in look-alike letters: 11 symbols from digits and O/o, l/I, B (spaces or dashes
 * between allowed), starting like a mobile number, with at least two real digits — no English word has a digit.
 */
const LOOK_ALIKE_PHONE = /(?<![A-Za-z0-9_])[1lI][\s\-.]*[3-9B](?:[\s\-.]*[0-9OolIB]){9}(?![A-Za-z0-9_])/gu;
const LOOK_ALIKE_DIGIT: Readonly<Record<string, string>> = { O: '0', o: '0', l: '1', I: '1', B: '8' };
/** After a QQ or WeChat keyword: an all-number id with look-alike letters (`8O8l23456`). */
const LOOK_ALIKE_AFTER_KEYWORD =
  /((?:[qQ]{2}|[qQ]号|扣扣|叩叩|企鹅|🐧|[vV]信|[vV][xX]|[wW][xX]|微信)[\s:：号=]*)([0-9OolIB]{5,12})(?![A-Za-z0-9_])/gu;

function lookAlikeToDigits(run: string): string {
  const digits = run.replace(/[\s\-.]/g, '');
  if ((digits.match(/\d/g)?.length ?? 0) < 2) return run;
  return digits.replace(/[OolIB]/g, (c) => LOOK_ALIKE_DIGIT[c]!);
}

/**
 * The text as the recogniser reads it, case kept (masking shows this form): full-width and styled letters to ASCII
 * (NFKC), invisible characters and combining marks removed, look-alike Cyrillic/Greek letters to latin, enclosed
 * digits and other scripts' digits to ASCII, runs of Chinese numerals to digits, look-alike letters inside a phone
 * number to digits, digits spelled in pinyin to digits (spellPinyinRun), letters dropped between the digits of a
 * number (LETTER_SPLIT_DIGITS), separators between digits removed.
 */
export function normaliseForDisplay(text: string): string {
  const read = text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(COMBINING, '')
    .replace(CONFUSABLES, (c) => CONFUSABLE[c] ?? c)
    .replace(ENCLOSED, enclosedDigit)
    .replace(OTHER_SCRIPT_DIGIT, otherScriptDigit)
    .replace(MIXED_RUN, mixedRunToDigits)
    .replace(NUMERAL_RUN, (run) => run.replace(NUMERAL_CHAR, (c) => CHINESE_DIGIT[c] ?? c))
    .replace(LOOK_ALIKE_PHONE, lookAlikeToDigits)
    .replace(LOOK_ALIKE_AFTER_KEYWORD, (_, keyword: string, id: string) => keyword + lookAlikeToDigits(id));
  return readRuns(readRuns(read, PINYIN_DIGITS), LETTER_SPLIT_DIGITS).replace(
    DATE_OR_DIGIT_SEPARATOR,
    keepDateOrGlueDigits,
  );
}

/**
 * A way digits are disguised as runs of other characters (pinyin syllables, letters between digits): `hint` finds
 * whether a text may hold one at all, `afterKeyword` a handle keyword with such a run after it, `alone` a run on its
 * own; `read` gives the run's digits, or the run as it was.
 */
interface DigitRuns {
  hint: RegExp;
  afterKeyword: RegExp;
  alone: RegExp;
  read(run: string, afterKeyword: boolean): string;
}

/**
 * The text with its runs of one disguise read. Most texts hold none, and the runs' patterns stop at every plain
 * digit: the hint looks once first (detection reads every greeting and memo of the mirror). Links are left as
 * written: their paths' letters and digits are no disguise (`t.cn/v333p31` holds no "v" keyword before a
 * letter-split 33331, `/yiqi` no pinyin).
 */
function readRuns(text: string, runs: DigitRuns): string {
  if (!runs.hint.test(text)) return text;
  const read = (part: string): string =>
    part
      .replace(runs.afterKeyword, (_, keyword: string, run: string) => keyword + runs.read(run, true))
      .replace(runs.alone, (run) => runs.read(run, false));
  let out = '';
  let at = 0;
  for (const m of text.matchAll(LINK)) {
    out += read(text.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + read(text.slice(at));
}

/** The display form in lower case. Exported for tests and for evidence display. */
export function normaliseForHandles(text: string): string {
  return normaliseForDisplay(text).toLowerCase();
}

/**
 * Between a keyword and the id: spaces, colons, "号/是/id", the arrows (→ ⇒ are math symbols, ➡ 👉 other symbols) or
 * hearts people put there, and an opening bracket or quote around the id (`vx【meimeiabc】`, `V信「sweet_88」`).
 */
const GLUE_CHAR = '[\\s:=：\\p{So}\\p{Sk}\\p{Sm}\\p{Pd}\\p{Ps}\\p{Pi}"\']';
const GLUE = `${GLUE_CHAR}*(?:号码|号|是|id|账号)?${GLUE_CHAR}*`;
/**
 * Chat between a keyword and the id: sentence particles and sentence punctuation (`加我微信吧：id`, `加个微信？id`,
 * `加vx啦~ id`, `QQ呢 12345678`), after "号是多少" and before "我的是" (`微信号是多少？我的是 id`). Bounded — five
 * particles or marks at most (a run of dots, an ellipsis after NFKC, counts as one), each after at most two glue
 * characters — so an id a sentence or more away is not reached. NFKC has already made ？！～，：… into ?!~,:... ; the
 * colon and the tilde are glue characters already, not marks here, so a run of glue is split one way only (no
 * backtracking over long runs of spaces or colons). Where such glue is used, the id must still be one by the stricter
 * test of isNotIdAfterChat.
 */
const PARTICLES = '吧呀啊哦噢呢啦嘛哈哟喔咯';
const CHAT_ITEM = `${GLUE_CHAR}{0,2}(?:[${PARTICLES}?!,。？！，…]|\\.{1,6}(?!\\.))`;
const CHAT_GLUE = `(?:号码|号|账号)?(?:是多少|多少)?(?:${CHAT_ITEM}){1,5}\\s{0,2}(?:我的是|是)?${GLUE_CHAR}*`;
/** What ordinary glue never holds: glue with any of it is chat (CHAT_GLUE). */
const CHATTY = new RegExp(`[${PARTICLES}?!,.。？！，…]|多少`, 'u');
/** A mobile number, with the country code written as +86, 86 or 0086 (the international call prefix) or without. */
const PHONE = /(?<!\d)(?:(?:\+|00)?86)?(1[3-9]\d{9})(?!\d)/g;
/** The phone keywords: a landline is only read after one, and a spelled or letter-split number after one is read. */
const PHONE_KEYWORD = '电话|座机|手机|tel|📞|☎|📱';
/** A landline only after a phone keyword (a bare "0571-…" could be an order number). */
const LANDLINE = new RegExp(`(?:${PHONE_KEYWORD})${GLUE}(0\\d{2,3}-?\\d{7,8})(?!\\d)`, 'giu');
/**
 * One character a seller puts inside a two-letter keyword to break it up (`v.x`, `w-x`, `v❤x`, `q·q`, `微.信`): a space,
 * a punctuation mark or a symbol.
 */
const KEYWORD_GAP = '[\\s\\p{P}\\p{S}\\uFE0F]?';
/** The two-character WeChat keywords, each with the gap a seller may put inside it. */
const SHORT_WECHAT_KEYWORDS = [
  `v${KEYWORD_GAP}信`,
  `v${KEYWORD_GAP}x`,
  `w${KEYWORD_GAP}x`,
  `[微薇威维徽围]${KEYWORD_GAP}信`,
];
const WECHAT_KEYWORD = [
  ...SHORT_WECHAT_KEYWORDS,
  'wei\\s?xin',
  'wechat',
  'vchat',
  '微信',
  '薇信',
  '威信',
  '围信',
  '徽信',
  '维信',
  '胃信',
  '卫星',
  '绿泡泡',
  '🟢\\s?泡泡',
  '薇',
  '微',
  'v\\s?❤',
  '加\\s?v',
  '加微',
  '加我',
  '\\+\\s?v',
  '➕\\s?v',
  '(?<![a-z])v\\s?我',
  '(?<![a-z])v(?![a-z])',
  '💚',
  '🟩',
  '🟢',
].join('|');
/**
 * A number followed by a unit or a counter is an amount, not an id: "微信 50000 到账了" is money, "QQ 98765 积分" points,
 * "卫星 12345 颗" a count. (A phone is found whatever follows it; this only spares the shorter numbers.)
 */
const NOT_A_QUANTITY = '(?!\\s*(?:[元块角毛万千百亿个次人位只颗件张条斤米岁年月日天点秒级%]|到账|积分|分钟))';
/**
 * WeChat keyword, glue, then an id (WeChat ids are 6–20 chars from a letter; numbers too). The app's own name after
 * a keyword is the keyword said twice ("用微信 WeChat 聊", "加我 wechat"), not an id; an id after it is still found.
 */
const APP_NAME = '(?!(?:wechat|weixin|vchat)(?![a-z0-9_-]))';
const WECHAT = new RegExp(
  `(${WECHAT_KEYWORD})(${CHAT_GLUE}|${GLUE})(${APP_NAME}[a-z][a-z0-9_-]{4,19}|\\d{5,12}${NOT_A_QUANTITY})(?![a-z0-9_-])`,
  'giu',
);
/**
 * "talk on wechat tomorrow": in English text, after a latin keyword and nothing but a space, a bracket or a quote
 * ("on WeChat (tonight)"), a letters-only word is a word. An id there needs a digit, `_` or `-`, or glue that says
 * "this is the id" (a colon, 号, an arrow). In Chinese text a latin word after `vx` is the id (nobody writes English
 * words into a Chinese greeting that way).
 */
const HAN = /\p{Script=Han}/u;
const isIdLike = (id: string): boolean => /[\d_-]/.test(id);
const isWordAfterLatinKeyword = (display: string, keyword: string, glue: string, id: string): boolean =>
  /^[a-z\s+]+$/i.test(keyword) && /^[\s\p{Ps}\p{Pi}"']*$/u.test(glue) && /^[a-z]+$/i.test(id) && !HAN.test(display);
/**
 * After chat (CHATTY glue) an id is held to more, as chat says more than a keyword next to an id:
 * - a letters-only token is a word ("vx啦 hello") unless the glue announces the id — ends in a colon, =, 是, an arrow or
 *   an opening bracket or quote (spaces after them allowed) — or, in Chinese text, a question mark touches it: "加个微信？
 *   sweetxx" is the question answered at once. Even then a capitalised word ("加个微信？Hello，我…") starts the next
 *   sentence;
 * - a bare 薇, 微 or v is no keyword there: "小薇呀，…" calls someone, "稍微啊，…" is a word.
 * "V我" ("WeChat me") is a verb: a number after it is money ("V我50"), and a word after it needs the announcing glue too.
 */
const ANNOUNCES_ID = /(?:[:=是→⇒➡👉\p{Ps}\p{Pi}"']\s*)$/u;
const SINGLE_CHARACTER_KEYWORD = /^(?:[薇微]|v)$/i;
const VERB_KEYWORD = /^v\s?我$/i;
function isNotIdAfterChat(display: string, keyword: string, glue: string, id: string): boolean {
  const verb = VERB_KEYWORD.test(keyword);
  if (verb && /^\d+$/.test(id)) return true;
  if (!verb && !CHATTY.test(glue)) return false;
  if (SINGLE_CHARACTER_KEYWORD.test(keyword)) return true;
  if (isIdLike(id)) return false;
  if (/^[A-Z][a-z]+$/.test(id)) return true;
  return !(ANNOUNCES_ID.test(glue) || (HAN.test(display) && glue.endsWith('?')));
}
/**
 * The id first, the keyword after it, tied to it by "是我(的)" or in brackets: "mango_88 是我vx", "sweet-shop 就是我的微信号",
 * "abc123（V信）". Only an id with a digit, `_` or `-` counts — "Wendy 是我的微信好友" names a friend — and the keyword
 * must end there (a space, a mark, 号 or the end of the text), so "… 是我的微信名" is not it; an order number merely
 * followed by "微信 …" is not tied to it.
 */
const ID_KEYWORD = `(?:${[...SHORT_WECHAT_KEYWORDS, 'wechat', '绿泡泡'].join('|')})号?`;
const WECHAT_AFTER_ID = new RegExp(
  `(?<![a-z0-9_-])([a-z][a-z0-9_-]{4,19})\\s*(?:就?是我的?\\s*${ID_KEYWORD}(?=$|[\\s\\p{P}\\p{S}])|\\p{Ps}\\s*${ID_KEYWORD}\\s*\\p{Pe})`,
  'giu',
);
/**
 * A single Q is the QQ keyword only with a colon and a QQ number right after it (`Q：123456789`, `q:87654321`): a QQ
 * number has 5+ digits and never starts with 0, so "Q3 财报", "Q&A", "Q: 3点见?" and a Q inside a word ("FAQ:") are not it.
 */
const LONE_Q = '(?<![a-z0-9])q(?=\\s*[:：]\\s*[1-9]\\d{4})';
/**
 * The QQ keywords: slang (扣扣, 抠抠, 叩叩 all sound like "QQ"), the penguin, a lone Q before a colon (LONE_Q); "Q我" /
 * "QQ我" / "扣我" ("QQ me") is the keyword as a verb.
 */
const QQ_KEYWORD = `qq|q${KEYWORD_GAP}q|q号|扣扣|抠抠|叩叩|企鹅|🐧|${LONE_Q}|(?<![a-z])q(?=\\s*我)|扣(?=我)`;
/** A QQ keyword, then the number. */
const QQ = new RegExp(
  `(?:${QQ_KEYWORD})\\s*(?:群|号|是|我)?(?:${CHAT_GLUE}|${GLUE})(\\d{5,11})(?!\\d)${NOT_A_QUANTITY}`,
  'giu',
);
/**
 * Digits spelled in pinyin, glued or spaced (`yao san ba ling ling …`, `yaosanba`), each syllable to its digit; 幺
 * (yao) and 两 (liang) as with the numerals. No syllable is the start of another, so a run reads one way only.
 */
const PINYIN_DIGIT: Readonly<Record<string, string>> = {
  ling: '0',
  yi: '1',
  yao: '1',
  er: '2',
  liang: '2',
  san: '3',
  si: '4',
  wu: '5',
  liu: '6',
  qi: '7',
  ba: '8',
  jiu: '9',
};
const PINYIN_SYLLABLE = Object.keys(PINYIN_DIGIT).join('|');
const PINYIN_ITEM = new RegExp(`${PINYIN_SYLLABLE}|\\d`, 'giu');
const PINYIN_SYLLABLES = new RegExp(PINYIN_SYLLABLE, 'giu');
/**
 * Syllables and digits in a row, separators allowed between them, as whole latin words: "yi" in "xiaoyi" or "ba" in
 * "bang" is no digit. The run is read only as far as it goes; spellPinyinRun decides whether it spells a number.
 */
const PINYIN_RUN_BODY = `(?:${PINYIN_SYLLABLE}|\\d)(?:${SEPARATOR_CLASS}*(?:${PINYIN_SYLLABLE}|\\d))*(?![a-z0-9_])`;
const PINYIN_RUN = new RegExp(`(?<![a-z0-9_])${PINYIN_RUN_BODY}`, 'giu');
/** A WeChat, QQ or phone keyword, glue, and such a run right after it. */
const NUMBER_KEYWORD = `${WECHAT_KEYWORD}|${QQ_KEYWORD}|${PHONE_KEYWORD}`;
const PINYIN_AFTER_KEYWORD = new RegExp(`((?:${NUMBER_KEYWORD})${GLUE})(${PINYIN_RUN_BODY})`, 'giu');
const PHONE_SHAPED = /^1[3-9]\d{9}$/;
/** One token of a WeChat id's characters from a letter (`qiqi888`, `lingling_520`): an id, whatever its syllables. */
const ID_TOKEN = /^[a-z][a-z0-9_-]*$/i;
/**
 * The digits a pinyin run spells, or the run as it was. These syllables are everyday pinyin too ("wo men yi qi qu
 * ba", "Zhang San, Li Si"), so a run counts only when it spells a number: 7+ syllables in a row (ordinary pinyin does
 * not string that many digit syllables together), a mobile number with digits among the syllables, or 5+ digits right
 * after a handle keyword — unless it is one id-like token there ("vx qiqi888" is the id qiqi888, not 77888).
 * Only the first 11 digits' worth is read (a phone is the longest number spelled): words after them, "… 8000 yi qi
 * chi fan", stay words and do not lengthen the number past a phone.
 */
function spellPinyinRun(run: string, afterKeyword: boolean): string {
  let digits = '';
  let syllables = 0;
  let end = 0;
  for (const m of run.matchAll(PINYIN_ITEM)) {
    if (digits.length === 11) break;
    const d = PINYIN_DIGIT[m[0].toLowerCase()];
    if (d !== undefined) syllables++;
    digits += d ?? m[0];
    end = m.index! + m[0].length;
  }
  const read = run.slice(0, end);
  const spellsNumber =
    syllables >= 7 ||
    (syllables > 0 && PHONE_SHAPED.test(digits)) ||
    (afterKeyword && syllables > 0 && digits.length >= 5 && !ID_TOKEN.test(read));
  if (!spellsNumber) return run;
  return read.replace(PINYIN_SYLLABLES, (s) => PINYIN_DIGIT[s.toLowerCase()] ?? s) + run.slice(end);
}

/** Pinyin digit runs: only where a digit syllable is at all. */
const PINYIN_DIGITS: DigitRuns = {
  hint: new RegExp(PINYIN_SYLLABLE, 'iu'),
  afterKeyword: PINYIN_AFTER_KEYWORD,
  alone: PINYIN_RUN,
  read: spellPinyinRun,
};

/**
 * Single latin letters dropped between digits as separators (`138a1234b5678`, `1 3 8 x 1 2 3 4`): one letter in each
 * gap, spaces and symbols around it allowed. The run is taken whole — it may not continue into a letter, a digit or
 * another letter-and-digit gap — so an order number (`SN2023AB1234`), a model (`RTX4090`, `i7-13700K`) or a hash
 * with letters together never yields one; dropLetters decides whether the digits are a number worth reading.
 */
const LETTER_GAP = `${SEPARATOR_CLASS}*(?:[a-z]${SEPARATOR_CLASS}*)?`;
const LETTER_SPLIT_BODY = `\\d(?:${LETTER_GAP}\\d)*(?![a-z0-9_]|${LETTER_GAP}\\d)`;
const LETTER_SPLIT_RUN = new RegExp(`(?<![a-z0-9_])${LETTER_SPLIT_BODY}`, 'giu');
const LETTER_SPLIT_AFTER_KEYWORD = new RegExp(`((?:${NUMBER_KEYWORD})${GLUE})(${LETTER_SPLIT_BODY})`, 'giu');
const QQ_SHAPED = /^[1-9]\d{4,10}$/;
const LETTER_BETWEEN_DIGITS = /\d[^a-z0-9]*[a-z][^a-z0-9]*\d/i;
/** Sizes: `1500x1200x800`, `1920x1080` — groups of 2+ digits joined by x alone, a phone only in length. */
const DIMENSIONS = /^\d{2,}(?:\s*x\s*\d{2,})+$/i;
/**
 * The digits of a letter-split run when they are a number worth reading: on their own a mobile number (not a size),
 * after a handle keyword a QQ-shaped number as well; otherwise the run as it was.
 */
function dropLetters(run: string, afterKeyword: boolean): string {
  if (!/[a-z]/i.test(run)) return run;
  const digits = run.replace(/\D/g, '');
  const isNumber = afterKeyword
    ? PHONE_SHAPED.test(digits) || QQ_SHAPED.test(digits)
    : PHONE_SHAPED.test(digits) && !DIMENSIONS.test(run);
  return isNumber ? digits : run;
}
/** Letter-split runs: only where a letter has digits on both sides (a price or a time has none). */
const LETTER_SPLIT_DIGITS: DigitRuns = {
  hint: LETTER_BETWEEN_DIGITS,
  afterKeyword: LETTER_SPLIT_AFTER_KEYWORD,
  alone: LETTER_SPLIT_RUN,
  read: dropLetters,
};

/**
 * A number announced as written backwards ("倒过来读", "反过来", "倒着看"), the cue before or after it, a few words
 * apart at most: the handle is the number read the right way round, when that is a mobile number. "反过来说" /
 * "反过来讲" / "反过来想" ("conversely") announce nothing.
 */
const REVERSED_CUE = '(?:倒过来|反过来(?![说讲想])|倒着)(?:读|看|念|写)?';
const NEAR = '[^\\d。！？!?\\n]{0,8}?';
const REVERSED_CUE_ANYWHERE = new RegExp(REVERSED_CUE, 'u');
const REVERSED_NUMBER = new RegExp(
  `${REVERSED_CUE}${NEAR}(?<!\\d)(\\d{11})(?!\\d)|(?<!\\d)(\\d{11})(?!\\d)${NEAR}${REVERSED_CUE}`,
  'gu',
);

/**
 * Top-level domains of a bare domain: the common ones and the cheap ones spam sites are registered under (.shop,
 * .store, .club, .site, .online, .icu, .biz) — not those that are also names or words after a missing space
 * ("Mr.Wang", "so.fun"). The dot may be written 。 or 点 (`abc123点com`), which no browser needs but a reader follows.
 */
const LINK_TLD = 'com|cn|net|cc|top|xyz|vip|me|io|ly|link|shop|store|club|site|online|icu|biz';
const LINK = new RegExp(
  `(?:t\\.cn\\/\\S+|https?:\\/\\/[^\\s，。！!]+|www\\.[^\\s，。！!]+|(?<![a-z0-9@])[a-z0-9-]{2,}[.。点](?:${LINK_TLD})(?![a-z0-9])(?:\\/[^\\s，。！!]*)?|短链[:：]?\\s*\\S+)`,
  'gi',
);
const SOLICIT = /加我|私聊|私信我|联系我|v信|vx|wx|微信|薇|加v|加微|扣扣|叩叩|qq|绿泡泡|🐧/gi;

/** Where a match's group sits in the text (its last occurrence in the match, as the group ends the pattern). */
const startOf = (m: RegExpMatchArray, group: number): number => m.index! + m[0].lastIndexOf(m[group]!);

/** Every handle in the display form of a text, with where it sits. */
export function findHandleSpans(display: string): HandleSpan[] {
  const found: HandleSpan[] = [];
  const add = (kind: HandleKind, m: RegExpMatchArray, group: number): void => {
    const value = m[group]!;
    const start = startOf(m, group);
    found.push({ kind, text: value.toLowerCase(), start, end: start + value.length });
  };
  for (const m of display.matchAll(PHONE)) add('phone', m, 1);
  for (const m of display.matchAll(LANDLINE)) add('phone', m, 1);
  // A number announced as backwards is that phone read the right way round; the digits as written are no id.
  const backwards: HandleSpan[] = [];
  // Only where a cue is: the pattern's other branch would otherwise try every digit of every text.
  for (const m of REVERSED_CUE_ANYWHERE.test(display) ? display.matchAll(REVERSED_NUMBER) : []) {
    const written = m[1] ?? m[2]!;
    const phone = [...written].reverse().join('');
    if (!PHONE_SHAPED.test(phone)) continue;
    const start = m.index! + (m[1] === undefined ? 0 : m[0].lastIndexOf(written));
    backwards.push({ kind: 'phone', text: phone, start, end: start + written.length });
  }
  found.push(...backwards);
  const isBackwards = (m: RegExpMatchArray, group: number): boolean =>
    backwards.some((h) => h.start === startOf(m, group));
  for (const m of display.matchAll(WECHAT)) {
    if (
      isWordAfterLatinKeyword(display, m[1]!, m[2]!, m[3]!) ||
      isNotIdAfterChat(display, m[1]!, m[2]!, m[3]!) ||
      isBackwards(m, 3)
    )
      continue;
    // A bare 11-digit id after "vx" is the phone number already reported; keep one entry per number.
    if (!found.some((h) => h.kind === 'phone' && h.text === m[3])) add('wechat', m, 3);
  }
  for (const m of display.matchAll(WECHAT_AFTER_ID))
    if (isIdLike(m[1]!) && !found.some((h) => h.text === m[1]!.toLowerCase())) add('wechat', m, 1);
  for (const m of display.matchAll(QQ)) if (!found.some((h) => h.text === m[1]) && !isBackwards(m, 1)) add('qq', m, 1);
  for (const m of display.matchAll(LINK)) add('link', m, 0);
  if (found.length === 0) for (const m of display.matchAll(SOLICIT)) add('solicit', m, 0);
  return found;
}

export function findContactHandles(text: string): ContactHandle[] {
  return findHandleSpans(normaliseForDisplay(text)).map(({ kind, text: value }) => ({ kind, text: value }));
}

/** True when the text carries something contactable (not just a keyword). */
export function hasContactHandle(text: string): boolean {
  return findContactHandles(text).some((h) => h.kind !== 'solicit');
}

/** True when the text contains a link (spam signal, separate from contact handles for sellers). */
export function hasLink(text: string): boolean {
  return findContactHandles(text).some((h) => h.kind === 'link');
}
