import { between, type FamilyPlan, type SocialContext, secondOf, skewed } from './context';
import { chatText, newcomerText, ownHandleText } from './chat';
import { newContact } from './disguises';

/**
 * Ordinary people who greet a lot, or once do what sellers do: heavy but normal chatters (many people, many days,
 * a favourite opener, real replies), people who give their own id to someone they matched and talked to, newcomers
 * who greet a dozen neighbours on their first day, and popular people who receive many greetings.
 */

function heavyChatter(ctx: SocialContext, u: number): void {
  const { rng } = ctx;
  const count = Math.max(10, Math.round(skewed(rng, 25, 160, 1.3) * ctx.scale));
  const reply = between(rng, 0.2, 0.6);
  const favourite = chatText(ctx.placeOf(u), ctx.districtOf(u), rng);
  const reuse = between(rng, 0, 0.6); // some people paste the same opener
  const first = ctx.firstDay(u);
  const span = Math.max(7, Math.round((ctx.calendar.days - first) * between(rng, 0.4, 1)));
  const start = ctx.calendar.days - span;
  for (let k = 0; k < count; k++) {
    const to = rng.chance(0.7) ? ctx.neighbour(u) : ctx.anyone(u);
    const day = Math.max(first, start + rng.int(span));
    const text = rng.chance(reuse) ? favourite : chatText(ctx.placeOf(u), ctx.districtOf(u), rng);
    ctx.greetAt(u, to, secondOf(ctx, day, 8, 15), text, reply);
  }
  if (rng.chance(0.05)) ctx.report(ctx.anyone(u), u, rng.pick(['harassment', 'other'] as const));
}

function handleToMatch(ctx: SocialContext, u: number): void {
  const { rng } = ctx;
  const matches = ctx.introducedTo(u);
  const others = rng.range(1, 8);
  for (let k = 0; k < others; k++) {
    const to = ctx.neighbour(u);
    ctx.greet(u, to, ctx.dayFor(u, to), chatText(ctx.placeOf(u), ctx.districtOf(u), rng), 0.45);
  }
  const c = newContact(rng);
  for (let k = rng.chance(0.8) ? 1 : 2; k > 0; k--) {
    const to = matches.length > 0 ? rng.pick(matches) : ctx.neighbour(u);
    const day = ctx.dayFor(u, to);
    // First a chat that got an answer, then the id.
    ctx.greetAt(u, to, secondOf(ctx, day, 9, 10), chatText(ctx.placeOf(u), ctx.districtOf(u), rng), 0.9);
    ctx.greetAt(
      u,
      to,
      secondOf(ctx, Math.min(ctx.calendar.days - 1, day + rng.int(3)), 20, 3.9),
      ownHandleText(c.chatId, c.phone, rng),
      0.8,
    );
  }
}

function newcomer(ctx: SocialContext, u: number): void {
  const { rng } = ctx;
  const first = ctx.firstDay(u);
  const count = rng.range(6, 30);
  const reply = between(rng, 0.12, 0.5);
  const days = rng.range(1, 3);
  for (let k = 0; k < count; k++) {
    const to = ctx.neighbour(u);
    const day = Math.min(ctx.calendar.days - 1, first + rng.int(days));
    ctx.greetAt(
      u,
      to,
      secondOf(ctx, day, 9, 14),
      rng.chance(0.7) ? newcomerText(rng) : chatText(ctx.placeOf(u), ctx.districtOf(u), rng),
      reply,
    );
  }
}

function popular(ctx: SocialContext, u: number): void {
  const admirers = ctx.scaled(30, 100);
  for (let k = 0; k < admirers; k++) {
    const from = ctx.anyone(u);
    ctx.greet(from, u, ctx.dayFor(from, u), chatText(ctx.placeOf(from), ctx.districtOf(from), ctx.rng), 0.25);
  }
}

export const chatterPlans: FamilyPlan[] = [
  { family: 'heavy_chatter', share: 0.005, plant: heavyChatter },
  { family: 'handle_to_match', share: 0.008, plant: handleToMatch },
  {
    family: 'newcomer_spree',
    share: 0.005,
    setup: (p, i, rng, exportedAt) => {
      p.consenting[i] = 1;
      p.registeredAt[i] = exportedAt - 86400 * (3 + rng.next() * 40);
    },
    plant: newcomer,
  },
  {
    family: 'popular',
    share: 0.004,
    setup: (p, i) => {
      p.consenting[i] = 1;
      p.status[i] = 0;
    },
    plant: popular,
  },
];
