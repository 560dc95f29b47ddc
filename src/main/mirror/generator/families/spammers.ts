import type { Rng } from '../random';
import { between, type FamilyPlan, type SocialContext, recentDay, secondOf, skewed } from './context';
import { type Contact, disguise, newContact, pickDisguises } from './disguises';

/**
 * Spam accounts: one pitch, lightly varied, sent to many strangers who rarely answer. Four kinds, drawn per account:
 * - link bursts: a link in a template, a few busy days;
 * - short sessions: dozens of messages within an hour or two, a few sessions, no link, no handle (bait);
 * - slow: a few a day over weeks, under any per-day limit;
 * - handle spam: the template carries a WeChat id, a QQ group or a phone instead of a link.
 */

const HI = ['你好', '您好', 'hi', '哈喽', '亲', '嗨', 'Hello', '在吗', 'hello~', '小哥哥', '小姐姐'];
const GIFTS = ['iPhone', '888元红包', '免费体检', '会员卡', '话费100元', '星巴克券', '视频会员', '京东卡'];
const TAIL = ['', '', '🎁', '🔥', '!!', '～', '😊', '💰', '。', '？'];

const LINK_TEMPLATES = [
  (hi: string, link: string, gift: string): string => `【福利】${hi}，免费领取${gift}，点击 ${link} 即可`,
  (hi: string, link: string): string => `${hi}～招兼职，日结300+，在家就能做，详情 ${link}`,
  (hi: string, link: string, gift: string): string => `恭喜你被选中！${gift}等你来拿 👉 ${link}`,
  (hi: string, link: string): string => `${hi}，在吗？看看我的主页，${link} 有惊喜`,
  (hi: string, link: string, gift: string): string => `${hi}! 限时活动 ${gift} 0元购，戳 ${link}`,
  (hi: string, link: string): string => `${hi} 刷单返利 秒到账 ${link}`,
];
const BAIT_TEMPLATES = [
  (hi: string): string => `${hi}，在吗？我刚来这个城市，想找个人聊聊`,
  (hi: string): string => `${hi}～你好可爱，可以认识一下吗`,
  (hi: string): string => `${hi}，看你资料很有眼缘，加个好友吧`,
  (hi: string): string => `${hi}，我一个人好无聊，陪我说说话好不好`,
  (hi: string): string => `${hi} 你相信缘分吗，我好像在哪见过你`,
  (hi: string): string => `${hi}，我是做投资的，带你一起赚钱，有兴趣吗`,
];
const HANDLE_TEMPLATES = [
  (hi: string, h: string, gift: string): string => `${hi}，进群领${gift}，${h}`,
  (hi: string, h: string): string => `${hi}～兼职打字员日结，${h} 咨询`,
  (hi: string, h: string): string => `${hi}，同城交友群，${h} 拉你`,
  (hi: string, h: string, gift: string): string => `【内部福利】${gift}，${h}，先到先得`,
  (hi: string, h: string): string => `${hi} 带你理财稳赚，导师${h}`,
];

function code(rng: Rng): string {
  return Math.floor(rng.next() * 36 ** 5)
    .toString(36)
    .padStart(5, '0');
}

function linkBase(rng: Rng): string {
  return rng.pick([
    `http://t.cn/${code(rng)}`,
    `https://dwz.cn/${code(rng)}`,
    `短链 url.cn/${code(rng)}`,
    `http://${code(rng)}.top/s`,
    `https://${code(rng)}.xyz/a?c=`,
    `www.${code(rng)}.vip`,
    `${code(rng)}.cc/r`,
  ]);
}

type Pitch = (rng: Rng) => string;

function linkPitch(rng: Rng): Pitch {
  const t = rng.pick(LINK_TEMPLATES);
  const base = linkBase(rng);
  const gift = rng.pick(GIFTS);
  const linkShare = between(rng, 0.6, 1);
  return (r) =>
    `${t(r.pick(HI), r.chance(linkShare) ? (r.chance(0.6) ? base : `${base}${r.int(100)}`) : '私信我', gift)}${r.pick(TAIL)}`;
}

function baitPitch(rng: Rng): Pitch {
  const ts = [rng.pick(BAIT_TEMPLATES), rng.pick(BAIT_TEMPLATES)];
  return (r) => `${r.pick(ts)(r.pick(HI))}${r.pick(TAIL)}`;
}

function handlePitch(rng: Rng): Pitch {
  const t = rng.pick(HANDLE_TEMPLATES);
  const c: Contact = newContact(rng);
  const styles = pickDisguises(rng, rng.range(1, 3));
  const gift = rng.pick(GIFTS);
  return (r) => `${t(r.pick(HI), disguise(c, r.pick(styles), r), gift)}${r.pick(TAIL)}`;
}

interface Campaign {
  reply: number;
  blockRate: number;
}

function campaign(rng: Rng, maxReply: number): Campaign {
  return { reply: between(rng, 0, maxReply), blockRate: between(rng, 0.01, 0.1) };
}

function send(ctx: SocialContext, u: number, second: number, pitch: Pitch, c: Campaign, recipients: number[]): void {
  const to = ctx.rng.chance(0.8) ? ctx.anyone(u) : ctx.neighbour(u);
  recipients.push(to);
  ctx.greetAt(u, to, second, pitch(ctx.rng), c.reply);
  if (ctx.rng.chance(c.blockRate)) ctx.block(to, u);
}

/** Busy days: many messages at any hour of a few days in the last month. */
function bursts(ctx: SocialContext, u: number, total: number, pitch: Pitch, c: Campaign): number[] {
  const days = Array.from({ length: ctx.rng.range(2, 6) }, () => recentDay(ctx, u, 30));
  const out: number[] = [];
  for (let k = 0; k < total; k++) send(ctx, u, secondOf(ctx, ctx.rng.pick(days), 0, 24), pitch, c, out);
  return out;
}

/** Sessions of an hour or two, each dozens of messages, a few minutes apart at most. */
function sessions(
  ctx: SocialContext,
  u: number,
  count: number,
  perSession: () => number,
  pitch: Pitch,
  c: Campaign,
): number[] {
  const out: number[] = [];
  for (let s = 0; s < count; s++) {
    const day = recentDay(ctx, u, 30);
    const length = Math.round(between(ctx.rng, 0.4, 2) * 3600);
    const start = secondOf(ctx, day, 8, Math.max(0.1, 15.5 - length / 3600));
    const n = perSession();
    for (let k = 0; k < n; k++) send(ctx, u, start + ctx.rng.int(length), pitch, c, out);
  }
  return out;
}

/** A few a day over weeks. */
function trickle(ctx: SocialContext, u: number, pitch: Pitch, c: Campaign): number[] {
  const { rng } = ctx;
  const first = ctx.firstDay(u);
  const span = Math.max(7, Math.min(ctx.calendar.days - first, rng.range(14, 80)));
  const start = ctx.calendar.days - span;
  const perDay = between(rng, 0.6, 3.5);
  const out: number[] = [];
  for (let d = Math.max(first, start); d < ctx.calendar.days; d++) {
    const n = rng.poisson(perDay);
    for (let k = 0; k < n; k++) send(ctx, u, secondOf(ctx, d, 8, 15), pitch, c, out);
  }
  return out;
}

function reported(
  ctx: SocialContext,
  u: number,
  recipients: readonly number[],
  chance: number,
  spamShare: number,
): void {
  if (recipients.length === 0 || !ctx.rng.chance(chance)) return;
  for (let k = ctx.rng.range(1, 6); k > 0; k--)
    ctx.report(
      ctx.rng.pick(recipients),
      u,
      ctx.rng.chance(spamShare) ? 'spam' : ctx.rng.pick(['selling', 'harassment', 'fake_profile'] as const),
    );
}

/** Mostly fresh accounts, often not verified. */
function freshAccount(share: number): FamilyPlan['setup'] {
  return (p, i, rng, exportedAt) => {
    p.consenting[i] = rng.chance(0.95) ? 1 : 0;
    p.verified[i] = rng.chance(0.55) ? 1 : 0;
    if (rng.chance(share)) p.registeredAt[i] = exportedAt - 86400 * (2 + rng.next() * 30);
    p.status[i] = rng.chance(0.08) ? 1 : 0;
  };
}

export const spammerPlans: FamilyPlan[] = [
  {
    family: 'spam_link_burst',
    share: 0.003,
    setup: freshAccount(0.75),
    plant(ctx, u) {
      const r = bursts(
        ctx,
        u,
        Math.max(10, Math.round(skewed(ctx.rng, 25, 170, 1.3) * ctx.scale)),
        linkPitch(ctx.rng),
        campaign(ctx.rng, 0.06),
      );
      reported(ctx, u, r, 0.6, 0.7);
    },
  },
  {
    family: 'spam_short_session',
    share: 0.003,
    setup: freshAccount(0.8),
    plant(ctx, u) {
      const size = [ctx.rng.range(12, 35), ctx.rng.range(30, 70)] as const;
      const r = sessions(
        ctx,
        u,
        ctx.rng.range(1, 5),
        () => ctx.rng.range(size[0], size[1]),
        baitPitch(ctx.rng),
        campaign(ctx.rng, 0.07),
      );
      reported(ctx, u, r, 0.45, 0.6);
    },
  },
  {
    family: 'spam_slow',
    share: 0.003,
    // Older accounts too (bought or taken over): a slow campaign lives longer.
    setup: freshAccount(0.35),
    plant(ctx, u) {
      const kind = ctx.rng.int(3);
      const pitch = kind === 0 ? linkPitch(ctx.rng) : kind === 1 ? handlePitch(ctx.rng) : baitPitch(ctx.rng);
      const r = trickle(ctx, u, pitch, campaign(ctx.rng, 0.1));
      reported(ctx, u, r, 0.4, 0.7);
    },
  },
  {
    family: 'spam_handle',
    share: 0.003,
    setup: freshAccount(0.6),
    plant(ctx, u) {
      const pitch = handlePitch(ctx.rng);
      const c = campaign(ctx.rng, 0.08);
      const r = ctx.rng.chance(0.5)
        ? bursts(ctx, u, Math.max(10, Math.round(skewed(ctx.rng, 20, 130, 1.3) * ctx.scale)), pitch, c)
        : sessions(ctx, u, ctx.rng.range(2, 6), () => ctx.rng.range(8, 40), pitch, c);
      reported(ctx, u, r, 0.5, 0.6);
    },
  },
];
