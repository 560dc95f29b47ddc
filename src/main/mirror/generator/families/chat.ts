import type { Rng } from '../random';

/**
 * What ordinary people write to someone new: composed from an opener, something about themselves or a shared place,
 * and a question, so two ordinary messages rarely look alike. Some mention numbers (times, floors, prices) the way
 * people do: the handle recogniser must leave those alone.
 */
const OPENERS = ['你好', '哈喽', '嗨', 'hi', '你好呀', '嘿', 'Hello', '晚上好', '早上好', '', ''];
const ABOUT = [
  (place: string): string => `看到我们都常去${place}`,
  (place: string): string => `我也经常去${place}`,
  (_: string, district: string): string => `我也住${district}附近`,
  (): string => '我在3号线旁边上班',
  (): string => '刚跑完5公里😂',
  (): string => '今天加班到9点，好累',
  (place: string): string => `${place}的拿铁是不是很好喝`,
  (): string => '周末一般去爬山或者看电影',
  (): string => '最近在学做饭，第一次做红烧肉',
  (): string => '家里养了两只猫',
  (): string => '我是做设计的，平时挺忙',
  (_: string, district: string): string => `${district}新开的那家书店你去过吗`,
  (): string => '那家店人均80左右，挺好吃的',
  (): string => '我住12楼，楼下就是便利店',
  (): string => 'I just moved here from Chengdu, still learning the city',
];
const QUESTIONS = [
  '平时喜欢去哪里玩？',
  '你也跑步吗？',
  '周末有空一起去吗？',
  '很高兴认识你！',
  '你是做什么工作的呀',
  '有什么推荐的店吗',
  '明天3点见？',
  '周六下午2点门口见？',
  'what do you usually do at weekends?',
  '',
];

export function chatText(place: string, district: string, rng: Rng): string {
  const opener = rng.pick(OPENERS);
  const about = rng.pick(ABOUT)(place, district);
  const question = rng.pick(QUESTIONS);
  return [opener, about, question].filter((s) => s !== '').join(rng.pick(['，', '～', '! ', '。']));
}

/** A newcomer's friendly first message: a few set phrases, lightly varied. */
const NEWCOMER = [
  '你好，我是新来的，交个朋友吧',
  '你好呀，刚注册，想认识一下附近的人',
  '嗨～新人报到，请多关照',
  '你好，看到你也在附近，认识一下？',
];
export function newcomerText(rng: Rng): string {
  return `${rng.pick(NEWCOMER)}${rng.pick(['', '😊', '～', '！', '🙂'])}`;
}

/** Someone sharing their own id with a person they matched and talked to: plain, once. */
export function ownHandleText(chatId: string, phone: string, rng: Rng): string {
  switch (rng.int(5)) {
    case 0:
      return `聊得挺开心的，加我微信吧：${chatId}`;
    case 1:
      return `我微信号 ${chatId}，方便的话加一下`;
    case 2:
      return `这里消息看得少，我vx是${chatId}`;
    case 3:
      return `下次约的话打我电话 ${phone}`;
    default:
      return `加个微信？${chatId}`;
  }
}
