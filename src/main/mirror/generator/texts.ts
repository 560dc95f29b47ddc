import type { Rng } from './random';

/**
 * What people write: greetings, transfer memos and report texts. Sellers hide contact handles the way they
 * do on real platforms (vx / V信 / 薇 / wx:, full-width or spaced digits, Chinese numerals) so detectors
 * have to normalise before matching; ordinary people mention numbers too ("3点见"), as traps.
 */
const ITEMS = [
  '芒果干',
  '牛肉干',
  '手工饼干',
  '面膜',
  '口红',
  '卤味',
  '蛋黄酥',
  '水果捞',
  '龙井茶叶',
  '鲜花',
  '护肤品',
  '辣酱',
  '烘焙蛋糕',
  '猫粮',
];
const DAIGOU = ['日本面膜', '韩国化妆品', '澳洲奶粉', '香港药妆', '免税店口红'];
export const PRICE_POINTS = [2500, 3900, 4500, 5800, 6600, 8800, 9900, 12800, 16800, 19900];

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** A seller's contact: a phone number and a chat id. */
export interface Handle {
  phone: string;
  chatId: string;
  item: string;
  prices: number[];
}

export function sellerHandle(rng: Rng): Handle {
  const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(1e9)).padStart(9, '0')}`;
  const chatId = `${rng.pick(['mango', 'sweet', 'xiaomei', 'shop', 'lucky', 'daigou', 'yummy', 'fresh'])}${rng.pick(['_', '', '-'])}${rng.range(10, 9999)}`;
  const k = rng.range(2, 3);
  const prices: number[] = [];
  while (prices.length < k) {
    const p = rng.pick(PRICE_POINTS);
    if (!prices.includes(p)) prices.push(p);
  }
  return { phone, chatId, item: rng.pick(ITEMS), prices };
}

const fullWidth = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const spaced = (s: string): string => s.split('').join(' ');
const chineseNumerals = (s: string): string => s.replace(/[0-9]/g, (d) => CN_DIGITS[Number(d)]!);

/** One contact mention, obfuscated in one of several ways. */
export function obfuscatedHandle(h: Handle, rng: Rng): string {
  switch (rng.int(9)) {
    case 0:
      return `vx: ${h.chatId}`;
    case 1:
      return `V信 ${spaced(h.phone)}`;
    case 2:
      return `薇 ${fullWidth(h.phone)}`;
    case 3:
      return `加我 ${chineseNumerals(h.phone)}`;
    case 4:
      return `wx:${h.chatId}`;
    case 5:
      return `加我${rng.pick(['V', 'v', '微'])} ${h.phone.slice(0, 3)} ${h.phone.slice(3, 7)} ${h.phone.slice(7)}`;
    case 6:
      return `威信同号 ${fullWidth(h.phone.slice(0, 6))}${h.phone.slice(6)}`;
    case 7:
      return `➕V ${h.chatId}`;
    default:
      return `薇❤ ${chineseNumerals(h.phone.slice(0, 5))}${spaced(h.phone.slice(5))}`;
  }
}

export function sellerGreeting(h: Handle, place: string, rng: Rng): string {
  const contact = obfuscatedHandle(h, rng);
  const price = (h.prices[0]! / 100).toFixed(0);
  switch (rng.int(5)) {
    case 0:
      return `你好呀～我家自制${h.item}，${price}元一份，感兴趣${contact}`;
    case 1:
      return `${rng.pick(['小姐姐', '小哥哥', '亲'])}，${h.item}现货，${contact} 详聊`;
    case 2:
      return `代购${rng.pick(DAIGOU)}正品保证，${contact}`;
    case 3:
      return `看你也常去${place}，我在附近做${h.item}，${contact}`;
    default:
      return `你好～认识一下？平时卖点${h.item}，朋友价，${contact}`;
  }
}

/** A camouflaged seller's greeting: friendly, the handle (if any) subtle. */
export function camouflagedGreeting(h: Handle, place: string, rng: Rng): string {
  return rng.chance(0.5)
    ? `你好，看到我们都去${place}，交个朋友？`
    : `哈喽～有空聊聊，${rng.pick(['v', '薇', 'wx'])}同号 ${chineseNumerals(h.phone.slice(-4))}`;
}

export function sellerMemo(h: Handle, qty: number, rng: Rng): string {
  switch (rng.int(8)) {
    case 0:
      return `${qty}盒 ${h.item}`;
    case 1:
      return '尾款';
    case 2:
      return `代购 ${rng.pick(DAIGOU)}`;
    case 3:
      return '定金';
    case 4:
      return `${h.item}x${qty}`;
    case 5:
      return `拍了${qty}份, 地址发你了`;
    case 6:
      return '';
    default:
      return `老板 ${h.item}${qty}份`;
  }
}

/** Spam: one template per spammer, near-duplicates with small variations and a link. */
const SPAM_TEMPLATES = [
  (hi: string, link: string, gift: string): string => `【福利】${hi}，免费领取${gift}，点击 ${link} 即可`,
  (hi: string, link: string): string => `${hi}～招兼职，日结300+，在家就能做，详情 ${link}`,
  (hi: string, link: string, gift: string): string => `恭喜你被选中！${gift}等你来拿 👉 ${link}`,
  (hi: string, link: string): string => `${hi}，在吗？看看我的主页，${link} 有惊喜`,
  (hi: string, link: string, gift: string): string => `${hi}! 限时活动 ${gift} 0元购，戳 ${link}`,
];
const HI = ['你好', '您好', 'hi', '哈喽', '亲', '嗨', 'Hello', '在吗'];
const GIFTS = ['iPhone', '888元红包', '免费体检', '会员卡', '话费100元', '星巴克券'];
const EMOJI = ['', '', '🎁', '🔥', '!!', '～', '😊', '💰'];

export interface SpamVoice {
  template: number;
  linkBase: string;
  gift: string;
}

export function spamVoice(rng: Rng): SpamVoice {
  const code = (): string =>
    Math.floor(rng.next() * 36 ** 5)
      .toString(36)
      .padStart(5, '0');
  const linkBase = rng.pick([
    `http://t.cn/${code()}`,
    `https://dwz.cn/${code()}`,
    `短链 url.cn/${code()}`,
    `http://${code()}.top/s`,
    `https://${code()}.xyz/a?c=`,
  ]);
  return { template: rng.int(SPAM_TEMPLATES.length), linkBase, gift: rng.pick(GIFTS) };
}

export function spamGreeting(v: SpamVoice, rng: Rng): string {
  const link = rng.chance(0.6) ? v.linkBase : `${v.linkBase}${rng.int(100)}`;
  return `${SPAM_TEMPLATES[v.template]!(rng.pick(HI), link, v.gift)}${rng.pick(EMOJI)}`;
}

export function normalGreeting(place: string, district: string, rng: Rng): string {
  switch (rng.int(12)) {
    case 0:
      return `你好，看到我们都常去${place}，很高兴认识你`;
    case 1:
      return '很高兴认识你！';
    case 2:
      return `哈喽，我也住${district}附近`;
    case 3:
      return `你好呀，周末有空一起去${place}吗？`;
    case 4:
      return '明天3点见';
    case 5:
      return `周六下午2点在${place}门口见？`;
    case 6:
      return `我们8号那天好像都在${place}，哈哈`;
    case 7:
      return '我在3号线旁边上班，你呢';
    case 8:
      return `那家店人均80左右，挺好吃的`;
    case 9:
      return '刚跑完5公里😂 你也跑步吗';
    case 10:
      return `你好，"${place}"的拿铁是不是很好喝？`;
    default:
      return `嗨～平时喜欢去哪里玩？`;
  }
}

/** Friends' memos; some carry commas, quotes and newlines (CSV quoting must round-trip them). */
const FRIEND_MEMOS = [
  'AA 聚餐',
  '奶茶',
  '打车费',
  '',
  '',
  '',
  '红包',
  '还你的',
  '电影票',
  '谢谢！',
  '生日快乐🎂',
  '午饭, 谢啦',
  '"老地方"的饭钱',
  '周末KTV\n代付的',
  '上次的咖啡',
  '水果',
  '门票',
  '借你的, 先还一半',
];
export function friendMemo(rng: Rng): string {
  return rng.pick(FRIEND_MEMOS);
}

export const BILL_MEMOS = ['房租', 'AA 聚餐', 'AA 聚餐, 火锅', '水电费', '物业费', '网费', '房租\n下个月的'];
export const SHOP_OWNER_MEMOS = ['货款', '老板 辣椒酱2瓶', '买菜', '修车', '理发', '', '谢谢老板', '配钥匙'];

export const REPORT_TEXTS: Record<'spam' | 'selling' | 'harassment' | 'fake_profile' | 'other', readonly string[]> = {
  spam: ['一直发广告链接', '群发消息，骗子', '发链接让我点', '垃圾信息'],
  selling: ['加微信卖东西', '推销产品', '一上来就让加V买东西'],
  harassment: ['说话很不礼貌', '一直骚扰'],
  fake_profile: ['照片是假的', '资料不真实'],
  other: ['感觉不对劲', ''],
};
