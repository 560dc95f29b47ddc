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
    // a lone Q as the QQ keyword, before a colon and a QQ number
    ['Q and a full-width colon', 'Q：123456789', 'qq', '123456789'],
    ['q and a colon', 'q:87654321', 'qq', '87654321'],
    ['Q号', 'Q号 12345678', 'qq', '12345678'],
    ['full-width Q in a sentence', '有事找我 Ｑ：2233445566 详聊', 'qq', '2233445566'],
    // 叩叩 sounds like QQ
    ['叩叩 number', '叩叩 123456789', 'qq', '123456789'],
    ['叩叩 with a colon', '叩叩：87654321 详聊', 'qq', '87654321'],
    // digits spelled in pinyin
    ['pinyin phone, spaced', 'yao san ba ling ling yao san ba ling ling ling', 'phone', '13800138000'],
    ['pinyin phone, glued', 'yaosanbalinglingyaosanbalinglingling', 'phone', '13800138000'],
    ['pinyin phone, capitalised', 'Yao Jiu Ba Qi Liu Wu Si San Er Yi Ling 找我', 'phone', '19876543210'],
    ['pinyin and digits after 加我', '加我 yao san ba 0013 8000', 'phone', '13800138000'],
    ['pinyin after wei xin', 'wei xin yao san jiu yi er san si wu liu qi ba', 'phone', '13912345678'],
    ['pinyin in groups after 电话', '电话 yao wu liu, er er san san, si si wu wu', 'phone', '15622334455'],
    ['short pinyin QQ after the keyword', 'QQ yi er san si wu liu', 'qq', '123456'],
    ['pinyin QQ after qq:', 'qq: wu wu liu liu qi qi ba', 'qq', '5566778'],
    ['pinyin glued to digits after vx', 'vx yaosanba00138000', 'phone', '13800138000'],
    ['pinyin phone, then pinyin words', '电话 yao san ba 0013 8000 yi qi chi fan', 'phone', '13800138000'],
    // a WeChat id made of digit syllables is still that id
    ['an id with digit syllables', 'vx qiqi888', 'wechat', 'qiqi888'],
    ['an id with digit syllables and _', 'vx lingling_520', 'wechat', 'lingling_520'],
    // latin letters as separators
    ['letters between digit groups', '138a1234b5678', 'phone', '13812345678'],
    ['letters between spaced digits', '有事打 1 3 8 x 1 2 3 4 y 5 6 7 8', 'phone', '13812345678'],
    ['letters after 加我', '加我 138a1234b5678', 'phone', '13812345678'],
    ['x between a phone after vx', 'vx 138x1234x5678', 'phone', '13812345678'],
    ['a letter in a QQ number', '扣扣 8765x4321', 'qq', '87654321'],
    ['a letter in spaced QQ digits', 'QQ 1 3 8 x 1 2 3 4', 'qq', '1381234'],
    // a number announced as written backwards: the phone read the right way round
    ['倒过来读 before', '电话倒过来读 00083100831', 'phone', '13800138000'],
    ['反过来 after', '87654321931 反过来就是我手机', 'phone', '13912345678'],
    ['倒着看, spaced', '号码倒着看：8765 4321 931', 'phone', '13912345678'],
    ['backwards in numerals', '反过来读：八七六五四三二一九三一', 'phone', '13912345678'],
    ['backwards after vx', 'vx 00083100831 倒过来读', 'phone', '13800138000'],
    // sentence particles and punctuation between the keyword and the id
    ['吧 and a colon', '聊得挺开心的，加我微信吧：tiantian6207', 'wechat', 'tiantian6207'],
    ['a question answered at once', '加个微信？sweetxx', 'wechat', 'sweetxx'],
    ['呀 and a space', '微信呀 abc123', 'wechat', 'abc123'],
    ['v我 ("WeChat me") and 哦', 'v我哦：abc_123', 'wechat', 'abc_123'],
    ['啦 and a tilde', '加vx啦~ tiantian6207', 'wechat', 'tiantian6207'],
    ['啦 and a full-width tilde', '加vx啦～tiantian6207', 'wechat', 'tiantian6207'],
    ['呢 before a QQ number', 'QQ呢 12345678', 'qq', '12345678'],
    ['a question, then 我的是', '微信号是多少？我的是 tiantian6207', 'wechat', 'tiantian6207'],
    ['an ellipsis', '微信呀…… abc123', 'wechat', 'abc123'],
    ['吧, a colon and a space, letters only', '加我微信吧： shopabcle', 'wechat', 'shopabcle'],
    ['哦 and a bracket', '微信哦【meimeiabc】', 'wechat', 'meimeiabc'],
    ['扣扣 and 哈哈！', '扣扣哈哈！87654321', 'qq', '87654321'],
  ])('%s', (_name, text, kind, value) => {
    const handles = findContactHandles(text);
    expect(handles).toContainEqual({ kind, text: value });
    expect(hasContactHandle(text)).toBe(true);
  });

  it('normalises full-width, numerals and separators', () => {
    expect(normaliseForHandles('ＶＸ：１ ３ ８')).toBe('vx:138');
    expect(normaliseForHandles('一三八零')).toBe('1380');
  });

  it('reads pinyin digits only where they spell a number', () => {
    expect(normaliseForHandles('yao san ba ling ling yao san ba ling ling ling')).toBe('13800138000');
    // words after the number stay words, and do not lengthen it
    expect(normaliseForHandles('电话 13800138000 yi qi chi fan')).toBe('电话 13800138000 yi qi chi fan');
    expect(normaliseForHandles('wo men yi qi qu chi fan ba')).toBe('wo men yi qi qu chi fan ba');
    expect(normaliseForHandles('xiaoyi bang wo')).toBe('xiaoyi bang wo');
  });

  it('reports a number announced as backwards once, read the right way round', () => {
    expect(findContactHandles('vx 00083100831 倒过来读')).toEqual([{ kind: 'phone', text: '13800138000' }]);
    expect(findContactHandles('叩叩 12345678901 反过来')).toEqual([{ kind: 'qq', text: '12345678901' }]);
  });

  it('reports a link as written: its path is no letter-split number or pinyin (the generator’s spam links)', () => {
    expect(findContactHandles('刷单返利 秒到账 http://t.cn/v333p31🔥')).toEqual([
      { kind: 'link', text: 'http://t.cn/v333p31🔥' },
    ]);
    expect(findContactHandles('看这里 t.cn/yaosanbalingling8000 领红包')).toEqual([
      { kind: 'link', text: 't.cn/yaosanbalingling8000' },
    ]);
    // Outside the link the same text is still read.
    expect(kinds('http://t.cn/abc 加vx 138a1234b5678')).toEqual(['phone', 'link']);
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
    // a Q that is no QQ keyword
    ['a quarter', 'Q3 财报不错，明天聊'],
    ['Q&A', 'Q&A 环节 3点开始'],
    ['a phone model', 'iPhone 15 Pro Max 256G 的'],
    ['QQ without a number', 'QQ音乐好听'],
    ['Q: and a time', 'Q: 3点见?'],
    ['Q: and a question', 'Q: what time? A: 7.30, room 1208'],
    ['Q1: and an amount', 'Q1: 营收 123456 万'],
    ['a Q inside a word', 'FAQ: 12345678'],
    ['Q: and points', 'Q: 12345 积分够吗'],
    ['叩叩 knocking', '叩叩门，有人吗'],
    // ordinary numbers
    ['a price', 'AA 聚餐 35元'],
    ['a date', '11月24日见'],
    // pinyin chat
    ['pinyin greeting', 'ni hao a, wo zai shang hai'],
    ['pinyin with yi qi and ba', 'wo men yi qi qu chi fan ba'],
    ['pinyin after a keyword, few syllables', 'jia wo wei xin ba, yi qi wan'],
    ['pinyin names', 'Zhang San, Li Si, Wang Wu 一起吃饭'],
    ['pinyin numbers of people', 'san si ge ren yi qi qu ba'],
    ['pinyin counting', 'yi er san si wu liu qi, wo men zou ba'],
    ['a name in pinyin after 加我', '加我 Liu Qi 吧'],
    // letters between digits that are no number
    ['an order number', '订单号 SN2023AB1234 已发货'],
    ['a parcel number', '快递 SF1234567890123'],
    ['model names', 'RTX4090 显卡，i7-13700K，小米13 Ultra 和 Mate60Pro'],
    ['screen sizes', '分辨率 1920x1080，屏幕 2560x1440'],
    ['a sofa size', '尺寸 1500x1200x800 的沙发'],
    ['a size with a unit', '尺寸 1380x1200x800mm'],
    ['a hash', 'commit 1a2b3c4d5e6f7a8b9c0d'],
    ['a UUID', '13a45678-1234-4b67-a123-426614174000'],
    // 反过来 as "conversely", or a reversed number that is no phone
    ['反过来说', '反过来说，我觉得 3 点也行'],
    ['反过来说 and an order number', '反过来说，订单 87654321931 已经发货'],
    ['a palindrome', '倒过来读也是 12321'],
    // a WeChat/QQ keyword, sentence particles or punctuation, then an ordinary word
    ['微信吧, then words', '微信吧，明天见'],
    ['a question, then an answer', '加个微信？好呀'],
    ['啦, then an English word', 'vx啦 hello'],
    ['呢？, then words', 'QQ呢？不用了'],
    ['微信上说', '微信上说吧 ok'],
    ['a question, then a space and an English word', '加个微信？ thanks'],
    ['a question, then the next sentence in English', '加个微信？Hello，我住12楼'],
    ['a comma, then an English word', '微信吧，sorry 今天没空'],
    ['an English question', 'talk on wechat? maybe later'],
    ['a name with 薇, then an id-like word', '小薇呀，iphone15 到了吗'],
    ['稍微', '稍微啊，abc123 那个单号我查一下'],
    ['V我50 (send me 50 yuan)', 'V我50，疯狂星期四'],
    ['v我 and an amount', 'v我 50000 好不好'],
    ['an amount after 呢', 'QQ呢？12345 积分'],
    ['an id more than a few marks away', '微信吧，吧，吧，吧，吧，吧 abc123'],
    ['an id in a later sentence', '加微信吧。明天见，订单 abc123'],
  ])('%s', (_name, text) => {
    expect(hasContactHandle(text)).toBe(false);
    expect(kinds(text).every((k) => k === 'solicit')).toBe(true);
  });

  it('a bare keyword is only a weak solicit hint', () => {
    expect(kinds('加我')).toEqual(['solicit']);
  });
});
