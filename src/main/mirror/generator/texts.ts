import type { Rng } from './random';

/**
 * What everyone writes: friends' transfer memos and report texts. What sellers, spammers and the look-alike ordinary
 * people write is beside each behaviour family (families/), ordinary greetings in families/chat.ts.
 */
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

export const REPORT_TEXTS: Record<'spam' | 'selling' | 'harassment' | 'fake_profile' | 'other', readonly string[]> = {
  spam: ['一直发广告链接', '群发消息，骗子', '发链接让我点', '垃圾信息'],
  selling: ['加微信卖东西', '推销产品', '一上来就让加V买东西'],
  harassment: ['说话很不礼貌', '一直骚扰'],
  fake_profile: ['照片是假的', '资料不真实'],
  other: ['感觉不对劲', ''],
};
