import { between, type FamilyPlan, type SocialContext, secondOf, skewed } from './context';
import { chatText } from './chat';

/**
 * Ordinary money that looks a little like selling: friends settling shared bills among themselves, a colleague who
 * collects the office's group orders every week, flatmates paying rent, a real shop owner paid by regulars (who also
 * chats, about the shop, without advertising a contact). Sizes and habits are drawn per account.
 */

const BILL_MEMOS = ['房租', 'AA 聚餐', 'AA 聚餐, 火锅', '水电费', '物业费', '网费', '房租\n下个月的'];
const SHOP_MEMOS = ['货款', '老板 辣椒酱2瓶', '买菜', '修车', '理发', '', '谢谢老板', '配钥匙', '', '水果', '烟酒'];
const SHOPS = ['小卖部', '水果店', '理发店', '修车铺', '早餐店', '花店', '裁缝铺', '奶茶店'];

/** A circle of friends who take turns paying and are paid back the same share. */
function friendGroup(ctx: SocialContext, u: number): void {
  const { rng } = ctx;
  const circle = [u, ...Array.from({ length: rng.range(3, 10) }, () => ctx.neighbour(u))];
  const outings = Math.max(2, Math.round(rng.range(3, 16) * ctx.scale));
  const treasurer = between(rng, 0.3, 0.8); // how often u is the one who paid
  for (let e = 0; e < outings; e++) {
    const day = ctx.dayFor(u, circle[1]!);
    const payer = rng.chance(treasurer) ? u : rng.pick(circle);
    const share = Math.round(between(rng, 25, 200) * 100) + (rng.chance(0.5) ? rng.int(100) : 0);
    const memo = rng.pick(['AA', 'AA 聚餐', '饭钱', '', '电影票', '打车费', '奶茶', '门票']);
    for (const m of circle)
      if (m !== payer && rng.chance(0.85)) ctx.transferAt(m, payer, share, secondOf(ctx, day, 19, 5), memo);
  }
}

/** Collects the office's milk tea, coffee and lunch orders: many colleagues, a few prices, every week. */
function groupOrders(ctx: SocialContext, u: number): void {
  const { rng } = ctx;
  const colleagues = Array.from({ length: rng.range(6, 25) }, () => ctx.colleague(u));
  const menu = Array.from({ length: rng.range(2, 5) }, () =>
    rng.pick([1500, 1800, 2200, 2500, 2800, 3200, 3500, 4200]),
  );
  const perWeek = between(rng, 0.5, 3);
  const memo = rng.pick(['奶茶', '拼单', '咖啡', '午饭', '水果团', '', '下午茶']);
  for (let d = ctx.firstDay(u); d < ctx.calendar.days; d++) {
    if (ctx.calendar.weekday[d]! >= 5 || !rng.chance(perWeek / 5)) continue;
    const share = between(rng, 0.2, 0.7);
    for (const c of colleagues)
      if (rng.chance(share)) ctx.transferAt(c, u, rng.pick(menu), secondOf(ctx, d, 10, 5), rng.chance(0.7) ? memo : '');
  }
}

function billCollector(ctx: SocialContext, u: number): void {
  const { rng, calendar } = ctx;
  const mates = Array.from({ length: rng.range(2, 6) }, () => ctx.neighbour(u));
  const rent = rng.pick([150000, 180000, 220000, 260000, 320000]);
  for (let day = ctx.firstDay(u); day < calendar.days; day++) {
    if (calendar.dayOfMonth[day] === 1)
      for (const m of mates)
        ctx.transfer(
          m,
          u,
          Math.round(rent / mates.length / 100) * 100,
          Math.min(calendar.days - 1, day + rng.int(4)),
          rng.chance(0.7) ? '房租' : rng.pick(BILL_MEMOS),
        );
    if (calendar.weekday[day] === 5 && rng.chance(0.4))
      for (const m of mates)
        if (rng.chance(0.7)) ctx.transfer(m, u, 4000 + rng.int(8000), day, rng.pick(BILL_MEMOS.slice(1)));
  }
}

function shopOwner(ctx: SocialContext, u: number): void {
  const { rng } = ctx;
  const regulars = Array.from({ length: rng.range(4, 20) }, () => ctx.neighbour(u));
  const walkIns = rng.range(0, 25);
  const menu = Array.from({ length: rng.range(3, 8) }, () =>
    rng.pick([800, 1000, 1200, 1500, 2000, 2500, 3000, 3500, 5000, 6000]),
  );
  const priced = between(rng, 0.3, 0.9); // the rest are weighed or metered amounts
  const amount = (): number => (rng.chance(priced) ? rng.pick(menu) : 300 + rng.int(9000));
  for (const r of regulars)
    for (let k = Math.max(1, Math.round(rng.range(2, 8) * ctx.scale)); k > 0; k--)
      ctx.transferAt(r, u, amount(), secondOf(ctx, ctx.dayFor(r, u), 8, 12), rng.pick(SHOP_MEMOS));
  for (let k = 0; k < walkIns; k++) {
    const w = rng.chance(0.7) ? ctx.neighbour(u) : ctx.anyone(u);
    ctx.transferAt(w, u, amount(), secondOf(ctx, ctx.dayFor(w, u), 8, 12), rng.pick(SHOP_MEMOS));
  }
  // The owner chats too: about the shop, the district, never with a contact to add.
  const shop = rng.pick(SHOPS);
  const greetings = skewed(rng, 2, 25);
  const reply = between(rng, 0.3, 0.65);
  for (let k = 0; k < greetings; k++) {
    const to = ctx.neighbour(u);
    const text = rng.chance(0.4)
      ? `你好，我在${ctx.districtOf(u)}开了家${shop}，有空来坐坐`
      : chatText(ctx.placeOf(u), ctx.districtOf(u), rng);
    ctx.greet(u, to, ctx.dayFor(u, to), text, reply);
  }
}

export const paymentPlans: FamilyPlan[] = [
  { family: 'friend_group', share: 0.006, plant: friendGroup },
  { family: 'group_order_collector', share: 0.004, plant: groupOrders },
  { family: 'bill_collector', share: 0.006, plant: billCollector },
  { family: 'shop_owner', share: 0.005, plant: shopOwner },
];
