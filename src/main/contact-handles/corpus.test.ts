import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findContactHandles, hasContactHandle } from './find';
import { maskHandlesInText } from './mask';

/**
 * The recogniser and the masking against a corpus: disguised handles (each must be found and must not survive
 * masking, by its value or its digits) and ordinary Chinese and English sentences (nothing found, every word kept).
 */

const ZW = '\u200b';
const ZWJ = '\u200d';
const WJ = '\u2060';

/** [text, the value that must not survive masking]. */
const DISGUISED: readonly (readonly [string, string])[] = [
  // slang names for WeChat and QQ, then an id
  ['绿泡泡 tiantian_88 欢迎来撩', 'tiantian_88'],
  ['🟢泡泡：xiaomei2024', 'xiaomei2024'],
  ['维信 sweetshop99', 'sweetshop99'],
  ['卫星号 lucky_520', 'lucky_520'],
  ['威信同号 13912345678', '13912345678'],
  ['企鹅 123456789', '123456789'],
  ['扣扣群 87654321 进群领福利', '87654321'],
  ['Q号：2233445566', '2233445566'],
  ['抠抠 556677889', '556677889'],
  ['有事 Q我 12345678', '12345678'], // "QQ me"
  ['ＱＱ我：2233445566', '2233445566'],
  ['扣我 87654321 领资料', '87654321'],
  ['vx 12345678 加我', '12345678'], // a number before a verb, not a unit, is still the id
  ['扣扣 87654321，在线', '87654321'],
  ['wei xin: shop_mango', 'shop_mango'],
  ['微信 WeChat：meimeiabc', 'meimeiabc'],
  // the keyword broken up by a dot, a dash, a star or an emoji
  ['v.x meimeiabc', 'meimeiabc'],
  ['W-X：sweet_88', 'sweet_88'],
  ['v❤️x candygirl 有货', 'candygirl'],
  ['q.q 87654321', '87654321'],
  ['Q·Q：556677889', '556677889'],
  ['微.信 tiantian88', 'tiantian88'],
  ['薇❤信 meimeiabc', 'meimeiabc'],
  ['V❤ aiaiabc1', 'aiaiabc1'],
  // emoji as the keyword
  ['🐧 918273645', '918273645'],
  ['💚 fresh_fruit8', 'fresh_fruit8'],
  ['📞 139-1234-5678', '13912345678'],
  ['☎️ 0571-88886666 店里电话', '057188886666'],
  ['🐧：3344556677 私聊', '3344556677'],
  // letters standing in for digits
  ['l38OOl38OOO 加我', '13800138000'],
  ['vx: l39 l234 5678', '13912345678'],
  ['电话 I3BOOI38OOO', '13800138000'],
  ['QQ 8O8l23456', '80812345'],
  // zero-width characters inside the keyword and the id
  [`v${ZW}x: mango${ZW}_88`, 'mango_88'],
  [`微${ZWJ}信 ${'13812345678'.split('').join(ZW)}`, '13812345678'],
  [`w${WJ}x${ZW}:${ZW}daigou${ZWJ}hk`, 'daigouhk'],
  [`加我V ${ZW}138${ZW}0013${ZW}8000`, '13800138000'],
  // styled, enclosed, full-width and look-alike script letters
  ['ⓥⓧ meimei_01', 'meimei_01'],
  ['𝐯𝐱：sweetie_77', 'sweetie_77'],
  ['ｗｘ：ｌｉｎｄａ０８', 'linda08'],
  ['vх: candy_girl9', 'candy_girl9'], // Cyrillic х
  ['ν信 honey_bee2', 'honey_bee2'], // Greek ν
  ['ᴠx meimeiabc 有货', 'meimeiabc'], // small capitals
  ['ᴡᴇᴄʜᴀᴛ: sweetgirl', 'sweetgirl'],
  // digits in every dress
  ['薇 一三八 〇〇幺三 八〇〇〇', '13800138000'],
  ['加我 幺叁捌两两陆陆柒柒捌捌', '13822667788'],
  ['电话 ❶❸❽❶❷❸❹❺❻❼❽', '13812345678'],
  ['vx 138💕1234💕5678', '13812345678'],
  ['V信 1 3 8 0 0 1 3 8 0 0 0', '13800138000'],
  ['手机：+86 139 1234 5678', '13912345678'],
  ['打给我 0086 139 1234 5678', '13912345678'],
  ['有事 0086-13912345678', '13912345678'],
  ['详询 138—0013—8000', '13800138000'], // em dashes
  ['vx 138–0013–8000', '13800138000'], // en dashes
  ['电话 一三八—〇〇一三—八〇〇〇', '13800138000'],
  // a date inside a longer number is no date
  ['vx 138-2012-05-18', '13820120518'],
  ['扣扣 2026-1-2-3456', '2026123456'],
  // numerals and digits taking turns, so no four numerals stand together
  ['1三8零0一3八0〇0 加我', '三8零0一3八'],
  ['vx 幺3八0013捌000', '幺3八'],
  ['企鹅 1二3四5六7八9', '二3四'],
  // other scripts' digits (NFKC keeps them): the value must not reach the operator in them either
  ['vx ١٣٨٠٠١٣٨٠٠٠', '١٣٨٠٠١٣٨٠٠٠'], // Arabic-Indic
  ['电话 १३८ ००१३ ८०००', '१३८'], // Devanagari
  ['加我 ۱۳۸۰۰۱۳۸۰۰۰', '۱۳۸'], // Persian
  ['企鹅 ๑๒๓๔๕๖๗๘', '๑๒๓'], // Thai
  // the classics
  ['想要的 vx mango_shop88', 'mango_shop88'],
  ['加我 meimeiabc 有货', 'meimeiabc'],
  ['v 信 meimeiabc', 'meimeiabc'],
  ['wx👉meimeiabc', 'meimeiabc'],
  ['➕V lucky_88 详聊', 'lucky_88'],
  ['戳 t.cn/A6xYz 领券', 't.cn'],
  ['详情 https://abc12.xyz/a?c=9', 'abc12.xyz'],
  // the id first, the keyword after it
  ['mango_88 是我vx', 'mango_88'],
  ['sweet-shop 就是我的微信号，有货', 'sweet-shop'],
  ['tiantian520（V信）速加', 'tiantian520'],
  ['candy_99【vx】', 'candy_99'],
  // cheap spam domains, and the dot written 。 or 点
  ['新品 meimei88.shop/a1 看看', 'meimei88'],
  ['福利在 lucky-box.club', 'lucky-box'],
  ['戳 xx88.icu/go', 'xx88'],
  ['详情 haohuo.online', 'haohuo'],
  ['官网 abc123点com', 'abc123'],
  ['复制 tiantian。cn 打开', 'tiantian'],
  // the id in brackets or quotes, or after an arrow
  ['想要的加vx【meimeiabc】', 'meimeiabc'],
  ['V信（sweetgirl）有货', 'sweetgirl'],
  ['微信「tiantian_88」', 'tiantian_88'],
  ['wx“candyshop”详聊', 'candyshop'],
  ['vx→candy_shop', 'candy_shop'],
  ['扣扣《12345678》', '12345678'],
  // a lone Q before a colon, and 叩叩 (sounds like QQ)
  ['Q：123456789', '123456789'],
  ['有事 q:87654321', '87654321'],
  ['叩叩 556677889 详聊', '556677889'],
  // digits spelled in pinyin
  ['yao san ba ling ling yao san ba ling ling ling', 'yao san ba'],
  ['yaosanbalinglingyaosanbalinglingling 加我', 'yaosanba'],
  ['加我 yao san ba 0013 8000', '0013'],
  ['QQ yi er san si wu liu', 'yi er san'],
  // latin letters between the digits
  ['138a1234b5678', 'a1234b'],
  ['有事打 1 3 8 x 1 2 3 4 y 5 6 7 8', '1 2 3 4'],
  ['QQ 1 3 8 x 1 2 3 4', '1 2 3 4'],
  // a phone written backwards, and announced so
  ['电话倒过来读 00083100831', '00083100831'],
  ['87654321931 反过来就是我手机', '87654321931'],
  // sentence particles and punctuation between the keyword and the id
  ['聊得挺开心的，加我微信吧：tiantian6207', 'tiantian6207'],
  ['加个微信？sweetxx', 'sweetxx'],
  ['微信呀 abc123', 'abc123'],
  ['v我哦：abc_123', 'abc_123'],
  ['加vx啦~ tiantian6207', 'tiantian6207'],
  ['QQ呢 12345678', '12345678'],
  ['微信号是多少？我的是 tiantian6207', 'tiantian6207'],
];

const CHINESE = [
  '你好，看到我们都常去星巴克，很高兴认识你',
  '明天3点见，老地方',
  'AA 聚餐 35.5',
  '房租 3200 十一月',
  '小薇你好呀，周末一起喝咖啡吗',
  '可以加我吗？',
  '一起去看一场电影吧，三四个人',
  '我住3号楼 12层',
  '2026-11-24 见',
  '两三个人就够了，一二三木头人',
  '卫星发射成功了，新闻里说的',
  '微笑着说谢谢',
  '绿色的泡泡糖很好吃',
  '企鹅馆在动物园东门',
  '我们8号那天好像都在西湖边',
  '周六下午2点在门口见？',
  '新婚快乐，百年好合',
  '那家店人均80左右，挺好吃的',
  '房间 ١٢٠٨，明天见', // a room number in Arabic-Indic digits is still a short number
  '微信（支付）里付的，【38】元',
  '用微信→付款码付的 25 元',
  '营业时间 10:00—22:00，周一至周五',
  '2026—2027 赛季的年卡 1380 元',
  '订单号 1000861391234567 已发货', // 0086 inside a longer number is not a country code
  '10 20 一起去吃饭吧',
  '我们 2026 年一月一日见，1 2 3 一二三木头人',
  '第1、2、3名 一二等奖',
  '微信、支付宝都可以，人均 38.5',
  '威信县的朋友你好，我们 12 号见',
  // a date written with separators after a keyword is a date, not an id glued from its digits
  '微信 2026-11-24 的转账记录，谢谢',
  '加我 2026.11.24 那天在星巴克见过',
  'QQ 2026/11/24 聊过的事还记得吗',
  '微信 2026-11-24 13:38 付的款',
  '下午3点cn那边见，三点com也行', // 点 after a number is the hour
  '用 vue.js 写的，node.js 也会一点',
  '老板扣我 20000 块工资，扣我 50000 积分',
  'IQ我 120，EQ我 130', // a Q inside a word is no keyword
  'Wendy 是我的微信好友，也是同事',
  // the app's own name after a keyword is no id
  '我们用微信 WeChat 聊吧',
  '加我 wechat 吧，国外的朋友',
  // an amount or a count after a keyword is not an id
  '微信 50000 到账了，谢谢老板',
  '加我 100000 积分的那个活动',
  'QQ 98765 积分换了个杯子',
  '企鹅 12345 只，纪录片里说的',
  '卫星 12345 颗，新闻里说的',
  '微 12345 元的预算够吗',
  // a Q that is no QQ keyword, 叩叩 that is knocking
  'Q3 财报不错，明天聊',
  'Q&A 环节 3点开始',
  'QQ音乐好听',
  'Q: 3点见?',
  'iPhone 15 Pro Max 的相机不错',
  '叩叩门，有人吗',
  // pinyin chat: digit syllables, but no number spelled
  'ni hao a, wo zai shang hai',
  'wo men yi qi qu chi fan ba',
  'jia wo wei xin ba, yi qi wan',
  'san si ge ren yi qi qu ba，11月24日见',
  // 反过来 as "conversely"
  '反过来说，我觉得 3 点也行，AA 35元',
  // a keyword, particles or punctuation, then ordinary words
  '微信吧，明天见',
  '加个微信？好呀',
  'vx啦 hello',
  'QQ呢？不用了',
  '微信上说吧 ok',
  '加个微信？Hello，我住12楼',
  'V我50，疯狂星期四',
];

const ENGLISH = [
  'false positive: wedding gifts',
  'Reviewed by the lead, looks like a birthday party collection',
  'Cleared after talking to the community manager',
  'Please see the previous decision before you escalate',
  'Nothing suspicious here, these are ordinary friends splitting dinner',
  'The account belongs to a small restaurant owner, regular customers pay him',
  'Let us talk about it tomorrow morning at the office',
  'Yes. Come back later, I will check again.',
  'I think she was just being friendly with everybody',
  'Without more evidence we should not restrict anyone',
  'I will message you on WeChat (tonight) after work',
  'She said to find her on wechat "later" today',
  'The new.x-ray machine at the clinic, 2 floors up',
  'Q: what time? A: 7.30, room 1208',
  'Mr.Wang and Ms.Xin met at the shop. Store hours are short',
  'Q&A after the talk, the Q3 numbers look fine',
  'Zhang San and Li Si say ni hao, see you at 3',
];

const wordList = fs
  .readFileSync(path.join(__dirname, 'fixtures', 'common-english-words.txt'), 'utf8')
  .split('\n')
  .filter((w) => w !== '');

describe('disguised handles are found and masked', () => {
  it.each(DISGUISED)('%s', (text, secret) => {
    expect(hasContactHandle(text)).toBe(true);
    const masked = maskHandlesInText(text).text;
    expect(masked).toMatch(/⟦(wechat|phone|qq|link|id)⟧/);
    expect(masked.toLowerCase()).not.toContain(secret.toLowerCase());
    // No run of 5+ digits survives, however it was written.
    expect(masked).not.toMatch(/\d{5,}/);
  });
});

describe('ordinary sentences are left alone', () => {
  it.each([...CHINESE, ...ENGLISH])('%s', (text) => {
    expect(findContactHandles(text).filter((h) => h.kind !== 'solicit')).toEqual([]);
    const masked = maskHandlesInText(text).text;
    expect(masked).not.toMatch(/⟦/);
    // Every word (CJK runs and latin words) of the sentence is still there.
    for (const word of text.normalize('NFKC').match(/[\p{Script=Han}]+|[a-z]+/giu) ?? [])
      expect(masked).toContain(word);
  });

  it('keeps the 5,000 most common English words intact, alone and in running text', () => {
    expect(wordList.length).toBe(5000);
    const hidden = wordList.filter((w) => maskHandlesInText(w).text !== w);
    expect(hidden).toEqual([]);
    for (let i = 0; i < wordList.length; i += 12) {
      const sentence = wordList.slice(i, i + 12).join(' ');
      expect(maskHandlesInText(sentence).text).toBe(sentence);
      const capitalised = sentence.charAt(0).toUpperCase() + sentence.slice(1) + '.';
      expect(maskHandlesInText(capitalised).text).toBe(capitalised);
    }
  });

  it('the common words stay words after a contact keyword too, unless marked as an id', () => {
    for (const w of wordList.filter((x) => x.length >= 5).slice(0, 400)) {
      expect(maskHandlesInText(`talk on wechat ${w}`).text).toContain(w);
      expect(maskHandlesInText(`my vx ${w}`).text).toContain(w);
    }
  });
});
