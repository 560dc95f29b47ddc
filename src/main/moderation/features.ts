import type { ProgressSink } from '../../shared/progress';
import type { Db } from '../db/database';
import { findContactHandles } from '../contact-handles/find';
import { largestClusterReach, lshClusters, minhash, shingles } from './near-duplicates';

/**
 * Per-account behaviour figures, read from the mirror (transfers, greetings, reports, blocks, introductions; never
 * the consumption transactions). Each figure is one thing an operator can check by reading the account's timeline:
 * who paid it and when, whom it greeted and how, who reported or blocked it. The model (./model) weighs them; the
 * evidence ids kept here are what an operator is shown first.
 */
export interface UserFeatures {
  userId: string;
  accountAgeDays: number;
  // Money in.
  incomingTransfers: number;
  distinctPayers: number;
  /** Share of incoming transfers whose exact amount this account received from ≥ 3 different payers. */
  repeatedPriceShare: number;
  /** Share of incoming transfers with an order-like memo (quantities, deposit, shipping, 代购 …). */
  orderMemoShare: number;
  /** Share with a memo of a shared bill, a gift or an event (AA, rent, 礼金, 班费, 场地费 …). */
  eventMemoShare: number;
  /** Share of payers whose first payment fell within the busiest 3 days: one event rather than a stream. */
  peakPayerShare: number;
  /** Payers whose first payment was outside those 3 days. */
  steadyPayers: number;
  /** Distinct weeks in which a payer paid for the first time: new buyers week after week. */
  newPayerWeeks: number;
  /** Share of payers who paid on two or more days (regulars, club members, colleagues). */
  repeatPayerShare: number;
  /** Share of payers whom this account also paid (friends settling up both ways). */
  reciprocalPayerShare: number;
  // Greetings sent.
  greetingsSent: number;
  greetingRecipients: number;
  replyRate: number;
  /** Recipients who never answered any greeting of this account. */
  unansweredRecipients: number;
  handleGreetings: number;
  /** Greetings with a contact handle to someone the account had no conversation with (no earlier answered
   * greeting either way, no introduction). */
  coldHandleGreetings: number;
  /** Distinct recipients of the account's most repeated handle. */
  topHandleReach: number;
  linkGreetings: number;
  /** Distinct recipients of this account's largest near-duplicate greeting cluster. */
  templateReach: number;
  /** Most greetings sent within any 60 minutes. */
  maxPerHour: number;
  /** Days with at least one greeting sent. */
  activeDays: number;
  /** Share of greetings using shop words (price, stock, shipping, 代购 …). */
  sellingWordShare: number;
  /** Share of greetings using promotion or scam words (free gift, part-time job, red packet, 理财, 进群 …). */
  promoWordShare: number;
  // Others about this account.
  reportsByReason: Record<string, number>;
  distinctReporters: number;
  blockedBy: number;
  evidence: { transfers: string[]; greetings: string[]; reports: string[] };
}

const ORDER_MEMO =
  /(\d+\s*[盒包件瓶袋份箱斤个罐支套])|[x×]\s*\d+|尾款|定金|订金|代购|下单|拍了|发货|包邮|快递|地址|老板|现货|预定|预订|运费/i;
const EVENT_MEMO =
  /aa|聚餐|聚会|房租|水电|物业|网费|分摊|车费|打车|饭钱|还你|红包|生日|礼金|份子|新婚|百年好合|恭喜|班费|场地|球费|活动费|团费|门票|ktv|烧烤|火锅|拼单|奶茶|咖啡|午饭|下午茶/i;
const SELLING_WORDS = /元|价|包邮|现货|代购|正品|到货|团购|货|卖|朋友价|好物|自制|订购|下单|优惠/;
const PROMO_WORDS =
  /领取|福利|免费|红包|兼职|日结|中奖|恭喜|点击|戳|返利|刷单|理财|投资|赚钱|进群|拉你|导师|0元|限时|被选中|惊喜/;
const EVIDENCE_PER_SIGNAL = 5;
const BATCH = 20_000;
const DAY = 86_400;
const PEAK_DAYS = 3;

export interface FeatureSet {
  /** The detection clock: the newest activity in the mirror, so results depend on the data, not the wall clock. */
  referenceAt: number;
  users: UserFeatures[];
}

interface Incoming {
  incoming: number;
  payers: number;
  repeatedShare: number;
  orderShare: number;
  eventShare: number;
  peakShare: number;
  steady: number;
  newPayerWeeks: number;
  repeatShare: number;
  reciprocalShare: number;
  orderIds: string[];
}

interface Outgoing {
  sent: number;
  recipients: number;
  replyRate: number;
  unanswered: number;
  handle: number;
  coldHandle: number;
  topHandleReach: number;
  link: number;
  templateReach: number;
  maxPerHour: number;
  activeDays: number;
  sellingShare: number;
  promoShare: number;
  evidence: string[];
}

/** A pair of user indexes as one number (n ≤ 5 million: exact within 2^53). */
const pairKey = (a: number, b: number, n: number): number => a * n + b;

export function extractFeatures(db: Db, progress: ProgressSink): FeatureSet {
  const users = db.prepare<[], { id: string; registered_at: number }>(`SELECT id, registered_at FROM users`).all();
  const n = users.length;
  const index = new Map<string, number>();
  users.forEach((u, i) => index.set(u.id, i));

  const referenceAt =
    db
      .prepare<[], { t: number | null }>(
        `SELECT max(t) AS t FROM (SELECT max(sent_at) AS t FROM greetings UNION ALL SELECT max(paid_at) FROM transfers UNION ALL SELECT max(created_at) FROM reports)`,
      )
      .get()?.t ?? Math.floor(Date.now() / 1000);

  // Who paid whom, and who was introduced to whom: the "do they know each other" questions below.
  const paid = new Set<number>();
  for (const [from, to] of db.prepare(`SELECT from_user, to_user FROM transfers`).raw().iterate() as Iterable<
    [string, string]
  >) {
    const a = index.get(from);
    const b = index.get(to);
    if (a !== undefined && b !== undefined) paid.add(pairKey(a, b, n));
  }
  const introduced = new Set<number>();
  for (const [a0, b0] of db.prepare(`SELECT user_a, user_b FROM introductions`).raw().iterate() as Iterable<
    [string, string]
  >) {
    const a = index.get(a0);
    const b = index.get(b0);
    if (a === undefined || b === undefined) continue;
    introduced.add(pairKey(a, b, n));
    introduced.add(pairKey(b, a, n));
  }
  progress.throwIfCancelled();

  const incoming = readIncoming(db, index, n, paid, progress);
  const outgoing = readOutgoing(db, index, n, introduced, progress);

  const reports = new Map<number, { byReason: Record<string, number>; reporters: Set<number>; ids: string[] }>();
  for (const [id, reporter, reported, reason] of db
    .prepare(`SELECT id, reporter_id, reported_id, reason FROM reports`)
    .raw()
    .iterate() as Iterable<[string, string, string, string]>) {
    const who = index.get(reported);
    const by = index.get(reporter);
    if (who === undefined || by === undefined) continue;
    let r = reports.get(who);
    if (!r) reports.set(who, (r = { byReason: {}, reporters: new Set(), ids: [] }));
    r.byReason[reason] = (r.byReason[reason] ?? 0) + 1;
    r.reporters.add(by);
    if (r.ids.length < EVIDENCE_PER_SIGNAL) r.ids.push(id);
  }
  const blockers = new Map<number, Set<number>>();
  for (const [blocker, blocked] of db.prepare(`SELECT blocker_id, blocked_id FROM blocks`).raw().iterate() as Iterable<
    [string, string]
  >) {
    const who = index.get(blocked);
    const by = index.get(blocker);
    if (who === undefined || by === undefined) continue;
    let s = blockers.get(who);
    if (!s) blockers.set(who, (s = new Set()));
    s.add(by);
  }

  const out: UserFeatures[] = [];
  for (let i = 0; i < n; i++) {
    const inc = incoming.get(i);
    const og = outgoing.get(i);
    const rep = reports.get(i);
    const blocked = blockers.get(i)?.size ?? 0;
    if (!inc && !og && !rep && blocked === 0) continue;
    out.push({
      userId: users[i]!.id,
      accountAgeDays: Math.max(0, (referenceAt - users[i]!.registered_at) / DAY),
      incomingTransfers: inc?.incoming ?? 0,
      distinctPayers: inc?.payers ?? 0,
      repeatedPriceShare: inc?.repeatedShare ?? 0,
      orderMemoShare: inc?.orderShare ?? 0,
      eventMemoShare: inc?.eventShare ?? 0,
      peakPayerShare: inc?.peakShare ?? 0,
      steadyPayers: inc?.steady ?? 0,
      newPayerWeeks: inc?.newPayerWeeks ?? 0,
      repeatPayerShare: inc?.repeatShare ?? 0,
      reciprocalPayerShare: inc?.reciprocalShare ?? 0,
      greetingsSent: og?.sent ?? 0,
      greetingRecipients: og?.recipients ?? 0,
      replyRate: og?.replyRate ?? 0,
      unansweredRecipients: og?.unanswered ?? 0,
      handleGreetings: og?.handle ?? 0,
      coldHandleGreetings: og?.coldHandle ?? 0,
      topHandleReach: og?.topHandleReach ?? 0,
      linkGreetings: og?.link ?? 0,
      templateReach: og?.templateReach ?? 0,
      maxPerHour: og?.maxPerHour ?? 0,
      activeDays: og?.activeDays ?? 0,
      sellingWordShare: og?.sellingShare ?? 0,
      promoWordShare: og?.promoShare ?? 0,
      reportsByReason: rep?.byReason ?? {},
      distinctReporters: rep?.reporters.size ?? 0,
      blockedBy: blocked,
      evidence: { transfers: inc?.orderIds ?? [], greetings: og?.evidence ?? [], reports: rep?.ids ?? [] },
    });
  }
  progress.report('features', n, n);
  return { referenceAt, users: out };
}

/** Incoming transfers, one recipient at a time (index order: recipient, time), so only one account is held. */
function readIncoming(
  db: Db,
  index: Map<string, number>,
  n: number,
  paid: ReadonlySet<number>,
  progress: ProgressSink,
): Map<number, Incoming> {
  const total = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM transfers`).get()!.n;
  const result = new Map<number, Incoming>();
  let current = -1;
  let rows: { from: number; amount: number; at: number; memo: string; id: string }[] = [];
  const flush = (): void => {
    if (current >= 0 && rows.length > 0) result.set(current, summariseIncoming(current, rows, n, paid));
    rows = [];
  };
  let done = 0;
  for (const [id, from, to, amount, at, memo] of db
    .prepare(`SELECT id, from_user, to_user, amount_fen, paid_at, memo FROM transfers ORDER BY to_user, paid_at`)
    .raw()
    .iterate() as Iterable<[string, string, string, number, number, string]>) {
    if (++done % BATCH === 0) {
      progress.throwIfCancelled();
      progress.report('reading transfers', done, total);
    }
    const t = index.get(to);
    const f = index.get(from);
    if (t === undefined || f === undefined) continue;
    if (t !== current) {
      flush();
      current = t;
    }
    rows.push({ from: f, amount, at, memo, id });
  }
  flush();
  progress.report('reading transfers', done, total);
  return result;
}

function summariseIncoming(
  to: number,
  rows: readonly { from: number; amount: number; at: number; memo: string; id: string }[],
  n: number,
  paid: ReadonlySet<number>,
): Incoming {
  const payersOfAmount = new Map<number, Set<number>>();
  const firstAt = new Map<number, number>();
  const daysOf = new Map<number, Set<number>>();
  let order = 0;
  let event = 0;
  const orderIds: string[] = [];
  for (const r of rows) {
    let s = payersOfAmount.get(r.amount);
    if (!s) payersOfAmount.set(r.amount, (s = new Set()));
    s.add(r.from);
    if (!firstAt.has(r.from)) firstAt.set(r.from, r.at);
    let d = daysOf.get(r.from);
    if (!d) daysOf.set(r.from, (d = new Set()));
    d.add(Math.floor(r.at / DAY));
    if (ORDER_MEMO.test(r.memo)) {
      order++;
      if (orderIds.length < EVIDENCE_PER_SIGNAL) orderIds.push(r.id);
    } else if (EVENT_MEMO.test(r.memo)) event++;
  }
  let repeated = 0;
  for (const r of rows) if (payersOfAmount.get(r.amount)!.size >= 3) repeated++;
  // First payments per day, then the busiest 3-day span.
  const firstDays = [...firstAt.values()].map((t) => Math.floor(t / DAY)).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < firstDays.length; i++) {
    while (firstDays[i]! - firstDays[j]! >= PEAK_DAYS) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const weeks = new Set(firstDays.map((d) => Math.floor(d / 7)));
  let repeatPayers = 0;
  for (const d of daysOf.values()) if (d.size >= 2) repeatPayers++;
  let reciprocal = 0;
  for (const p of firstAt.keys()) if (paid.has(pairKey(to, p, n))) reciprocal++;
  const payers = firstAt.size;
  return {
    incoming: rows.length,
    payers,
    repeatedShare: repeated / rows.length,
    orderShare: order / rows.length,
    eventShare: event / rows.length,
    peakShare: payers >= 3 ? peak / payers : 0,
    steady: payers - peak,
    newPayerWeeks: weeks.size,
    repeatShare: repeatPayers / payers,
    reciprocalShare: reciprocal / payers,
    orderIds,
  };
}

/** Greetings sent, one sender at a time (index order: sender, time). */
function readOutgoing(
  db: Db,
  index: Map<string, number>,
  n: number,
  introduced: ReadonlySet<number>,
  progress: ProgressSink,
): Map<number, Outgoing> {
  // Earliest greeting per ordered pair: "they wrote to me first" makes a later handle part of a conversation.
  const firstGreeting = new Map<number, number>();
  for (const [from, to, at] of db
    .prepare(`SELECT from_user, to_user, sent_at FROM greetings`)
    .raw()
    .iterate() as Iterable<[string, string, number]>) {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined) continue;
    const k = pairKey(a, b, n);
    const prev = firstGreeting.get(k);
    if (prev === undefined || at < prev) firstGreeting.set(k, at);
  }
  progress.throwIfCancelled();
  const total = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM greetings`).get()!.n;
  const result = new Map<number, Outgoing>();
  let current = -1;
  let rows: { to: number; at: number; text: string; replied: boolean; id: string }[] = [];
  const flush = (): void => {
    if (current >= 0 && rows.length > 0)
      result.set(current, summariseOutgoing(current, rows, n, introduced, firstGreeting));
    rows = [];
  };
  let done = 0;
  for (const [id, from, to, at, text, repliedAt] of db
    .prepare(`SELECT id, from_user, to_user, sent_at, text, replied_at FROM greetings ORDER BY from_user, sent_at`)
    .raw()
    .iterate() as Iterable<[string, string, string, number, string, number | null]>) {
    if (++done % BATCH === 0) {
      progress.throwIfCancelled();
      progress.report('reading greetings', done, total);
    }
    const f = index.get(from);
    const t = index.get(to);
    if (f === undefined || t === undefined) continue;
    if (f !== current) {
      flush();
      current = f;
    }
    rows.push({ to: t, at, text, replied: repliedAt !== null, id });
  }
  flush();
  progress.report('reading greetings', done, total);
  return result;
}

function summariseOutgoing(
  from: number,
  rows: readonly { to: number; at: number; text: string; replied: boolean; id: string }[],
  n: number,
  introduced: ReadonlySet<number>,
  firstGreeting: ReadonlyMap<number, number>,
): Outgoing {
  const recipients = new Set<number>();
  const answered = new Set<number>();
  const handleReach = new Map<string, Set<number>>();
  const days = new Set<number>();
  let replied = 0;
  let handle = 0;
  let coldHandle = 0;
  let link = 0;
  let selling = 0;
  let promo = 0;
  let maxPerHour = 0;
  const handleIds: string[] = [];
  const linkIds: string[] = [];
  for (let i = 0, j = 0; i < rows.length; i++) {
    const g = rows[i]!;
    while (g.at - rows[j]!.at >= 3600) j++;
    maxPerHour = Math.max(maxPerHour, i - j + 1);
    days.add(Math.floor(g.at / DAY));
    recipients.add(g.to);
    // A conversation: they were introduced, they wrote first, or an earlier greeting of ours was answered.
    const theyWrote = firstGreeting.get(pairKey(g.to, from, n));
    const warm =
      introduced.has(pairKey(from, g.to, n)) || answered.has(g.to) || (theyWrote !== undefined && theyWrote < g.at);
    if (g.replied) {
      replied++;
      answered.add(g.to);
    }
    const found = findContactHandles(g.text);
    const contacts = found.filter((h) => h.kind === 'phone' || h.kind === 'wechat' || h.kind === 'qq');
    if (contacts.length > 0) {
      handle++;
      if (!warm) coldHandle++;
      for (const h of contacts) {
        let s = handleReach.get(h.text);
        if (!s) handleReach.set(h.text, (s = new Set()));
        s.add(g.to);
      }
      if (handleIds.length < EVIDENCE_PER_SIGNAL) handleIds.push(g.id);
    }
    if (found.some((h) => h.kind === 'link')) {
      link++;
      if (linkIds.length < EVIDENCE_PER_SIGNAL) linkIds.push(g.id);
    }
    if (SELLING_WORDS.test(g.text)) selling++;
    if (PROMO_WORDS.test(g.text)) promo++;
  }
  let topHandleReach = 0;
  for (const s of handleReach.values()) topHandleReach = Math.max(topHandleReach, s.size);
  // Near-duplicates only matter for someone greeting several people; one or two greetings cannot be a campaign.
  let templateReach = recipients.size >= 3 ? 1 : recipients.size;
  let clusterIds: string[] = [];
  if (recipients.size >= 3) {
    const labels = lshClusters(rows.map((g) => minhash(shingles(g.text))));
    const best = largestClusterReach(
      labels,
      rows.map((g) => g.to),
    );
    templateReach = best.reach;
    clusterIds = rows
      .filter((_, k) => labels[k] === best.label)
      .map((g) => g.id)
      .slice(0, EVIDENCE_PER_SIGNAL);
  }
  let unanswered = 0;
  for (const r of recipients) if (!answered.has(r)) unanswered++;
  return {
    sent: rows.length,
    recipients: recipients.size,
    replyRate: replied / rows.length,
    unanswered,
    handle,
    coldHandle,
    topHandleReach,
    link,
    templateReach,
    maxPerHour,
    activeDays: days.size,
    sellingShare: selling / rows.length,
    promoShare: promo / rows.length,
    evidence: [...new Set([...handleIds, ...linkIds, ...clusterIds])].slice(0, 3 * EVIDENCE_PER_SIGNAL),
  };
}
