import type { Rng } from '../random';
import { between, type FamilyPlan, type SocialContext, dayWithin, secondOf, skewed } from './context';
import { type Contact, type Disguise, disguise, newContact, pickDisguises } from './disguises';

/**
 * Micro-sellers: people who use the social feature as a shop window. Three kinds, each drawn per account:
 * - storefront: buyers pay repeated price points with order-like memos (some), greetings advertise with a handle;
 * - handle only: hardly any money in the app (it moves elsewhere), many first messages carrying a disguised handle;
 * - quiet: buyers pay steadily at price points, the seller rarely or never greets anyone.
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
  '香薰',
  '手链',
  '螺蛳粉',
  '咖啡豆',
  '月饼',
  '酵素',
];
const DAIGOU = ['日本面膜', '韩国化妆品', '澳洲奶粉', '香港药妆', '免税店口红', '泰国乳胶枕'];
const PRICE_POINTS = [1990, 2500, 2990, 3900, 4500, 5800, 6600, 6800, 8800, 9900, 12800, 16800, 19900, 29900];

interface Shop {
  contact: Contact;
  styles: Disguise[];
  item: string;
  prices: number[];
}

function newShop(rng: Rng, styles: number): Shop {
  const k = rng.range(1, 4);
  const prices: number[] = [];
  while (prices.length < k) {
    const p = rng.pick(PRICE_POINTS);
    if (!prices.includes(p)) prices.push(p);
  }
  return { contact: newContact(rng), styles: pickDisguises(rng, styles), item: rng.pick(ITEMS), prices };
}

const handleOf = (s: Shop, rng: Rng): string => disguise(s.contact, rng.pick(s.styles), rng);

function advert(s: Shop, place: string, rng: Rng, withHandle: boolean): string {
  const price = (s.prices[0]! / 100).toFixed(0);
  const h = withHandle ? handleOf(s, rng) : rng.pick(['私聊', '感兴趣聊聊', '需要的话说一声']);
  switch (rng.int(8)) {
    case 0:
      return `你好呀～我家自制${s.item}，${price}元一份，${h}`;
    case 1:
      return `${rng.pick(['小姐姐', '小哥哥', '亲', '姐妹'])}，${s.item}现货，${h} 详聊`;
    case 2:
      return `代购${rng.pick(DAIGOU)}正品保证，${h}`;
    case 3:
      return `看你也常去${place}，我在附近做${s.item}，${h}`;
    case 4:
      return `你好～认识一下？平时卖点${s.item}，朋友价，${h}`;
    case 5:
      return `${s.item}今天到货了，${price}包邮，要的${h}`;
    case 6:
      return `hi～${h}，每天分享好物`;
    default:
      return `${h} ${s.item}团购价${price}，名额有限`;
  }
}

function orderMemo(s: Shop, qty: number, rng: Rng): string {
  switch (rng.int(10)) {
    case 0:
      return `${qty}盒 ${s.item}`;
    case 1:
      return '尾款';
    case 2:
      return `代购 ${rng.pick(DAIGOU)}`;
    case 3:
      return '定金';
    case 4:
      return `${s.item}x${qty}`;
    case 5:
      return `拍了${qty}份, 地址发你了`;
    case 6:
      return '包邮';
    case 7:
      return `${s.item}`;
    case 8:
      return '快递费';
    default:
      return `老板 ${s.item}${qty}份`;
  }
}

/** Buyers paying price points over the account's selling period; some buy again. */
function plantBuyers(ctx: SocialContext, u: number, s: Shop, buyers: number, memoShare: number): void {
  const { rng } = ctx;
  const first = ctx.firstDay(u);
  const span = Math.max(10, Math.round((ctx.calendar.days - first) * between(rng, 0.35, 1)));
  const start = first + rng.int(Math.max(1, ctx.calendar.days - first - span + 1));
  const again = between(rng, 0, 0.35);
  const evening = between(rng, 0.3, 0.8);
  for (let k = 0; k < buyers; k++) {
    const buyer = rng.chance(0.3) ? ctx.neighbour(u) : ctx.anyone(u);
    const orders = rng.chance(again) ? rng.range(2, 4) : 1;
    for (let o = 0; o < orders; o++) {
      const qty = rng.chance(0.7) ? 1 : rng.range(2, 3);
      const day = dayWithin(ctx, u, start, span);
      const second = rng.chance(evening) ? secondOf(ctx, day, 19, 4.9) : secondOf(ctx, day, 8, 11);
      const memo = rng.chance(memoShare) ? orderMemo(s, qty, rng) : rng.pick(['', '', '谢谢', '👍']);
      ctx.transferAt(buyer, u, rng.pick(s.prices) * qty, second, memo);
    }
  }
}

function plantAdverts(ctx: SocialContext, u: number, s: Shop, count: number, handleShare: number): void {
  const { rng } = ctx;
  const reply = between(rng, 0.03, 0.3);
  const first = ctx.firstDay(u);
  const span = Math.max(5, Math.round((ctx.calendar.days - first) * between(rng, 0.2, 1)));
  const start = first + rng.int(Math.max(1, ctx.calendar.days - first - span + 1));
  const blockRate = between(rng, 0, 0.05);
  for (let k = 0; k < count; k++) {
    const to = rng.chance(0.5) ? ctx.neighbour(u) : ctx.anyone(u);
    const day = dayWithin(ctx, u, start, span);
    ctx.greetAt(u, to, secondOf(ctx, day, 9, 14), advert(s, ctx.placeOf(u), rng, rng.chance(handleShare)), reply);
    if (rng.chance(blockRate)) ctx.block(to, u);
  }
}

function maybeReported(ctx: SocialContext, u: number, chance: number): void {
  if (ctx.rng.chance(chance))
    for (let k = ctx.rng.range(1, 3); k > 0; k--)
      ctx.report(ctx.anyone(u), u, ctx.rng.chance(0.85) ? 'selling' : 'spam');
}

const sellerSetup: FamilyPlan['setup'] = (p, i, rng) => {
  p.consenting[i] = rng.chance(0.95) ? 1 : 0;
  if (p.status[i] !== 0 && rng.chance(0.7)) p.status[i] = 0;
};

export const sellerPlans: FamilyPlan[] = [
  {
    family: 'seller_storefront',
    share: 0.005,
    setup: sellerSetup,
    plant(ctx, u) {
      const s = newShop(ctx.rng, ctx.rng.range(1, 3));
      plantBuyers(ctx, u, s, Math.max(3, Math.round(skewed(ctx.rng, 6, 110) * ctx.scale)), between(ctx.rng, 0.1, 0.95));
      plantAdverts(ctx, u, s, Math.max(2, Math.round(skewed(ctx.rng, 3, 45) * ctx.scale)), between(ctx.rng, 0.35, 1));
      maybeReported(ctx, u, 0.35);
    },
  },
  {
    family: 'seller_handle_only',
    share: 0.005,
    setup: sellerSetup,
    plant(ctx, u) {
      const s = newShop(ctx.rng, ctx.rng.range(2, 4));
      // Money moves elsewhere (their own chat app); at most a few buyers pay in the app.
      if (ctx.rng.chance(0.4)) plantBuyers(ctx, u, s, ctx.rng.range(1, 3), 0.5);
      plantAdverts(ctx, u, s, Math.max(4, Math.round(skewed(ctx.rng, 6, 70) * ctx.scale)), between(ctx.rng, 0.6, 1));
      maybeReported(ctx, u, 0.3);
    },
  },
  {
    family: 'seller_quiet',
    share: 0.005,
    setup: sellerSetup,
    plant(ctx, u) {
      const s = newShop(ctx.rng, 1);
      plantBuyers(
        ctx,
        u,
        s,
        Math.max(5, Math.round(skewed(ctx.rng, 10, 90) * ctx.scale)),
        between(ctx.rng, 0.25, 0.95),
      );
      // Rarely chats: none, or one or two messages, not always with a handle.
      const greetings = ctx.rng.chance(0.5) ? 0 : ctx.rng.range(1, 2);
      if (greetings > 0) plantAdverts(ctx, u, s, greetings, 0.4);
      maybeReported(ctx, u, 0.12);
    },
  },
];
