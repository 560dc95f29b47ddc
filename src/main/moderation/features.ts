import type { ProgressSink } from '../../shared/progress';
import type { Db } from '../db/database';
import { findHandleSpans, normaliseForDisplay } from '../contact-handles/find';
import { displayShingles, largestClusterReach, lshClusters, minhash } from './near-duplicates';

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
  /** Share of payers who live in another district than this account: a seller's buyers come from all over the city,
   * a shop's regulars and a host's friends mostly from its own (0 when the account's district is not known). */
  otherDistrictPayerShare: number;
  // Greetings sent.
  greetingsSent: number;
  greetingRecipients: number;
  replyRate: number;
  /** Share of recipients who live in another district than this account: spam goes to anyone in the city, a heavy
   * but ordinary chatter mostly greets people nearby (0 when the account's district is not known). */
  otherDistrictRecipientShare: number;
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
  otherDistrictShare: number;
  orderRowids: number[];
  orderIds: string[];
}

interface Outgoing {
  sent: number;
  recipients: number;
  replyRate: number;
  otherDistrictShare: number;
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

/**
 * Who is linked to whom (paid, introduced, greeted), as lists per account: counting-sorted arrays, so "did a pay b"
 * is a look through a's few entries, not a lookup in a set of every pair of the city.
 */
class Links {
  private readonly start: Int32Array;
  private readonly other: Int32Array;
  private readonly at: Float64Array;
  constructor(from: Int32Array, to: Int32Array, at: Float64Array | null, count: number, n: number) {
    this.start = new Int32Array(n + 1);
    for (let i = 0; i < count; i++) this.start[from[i]! + 1]!++;
    for (let k = 0; k < n; k++) this.start[k + 1]! += this.start[k]!;
    const fill = this.start.slice(0, n);
    this.other = new Int32Array(count);
    this.at = new Float64Array(at ? count : 0);
    for (let i = 0; i < count; i++) {
      const p = fill[from[i]!]!++;
      this.other[p] = to[i]!;
      if (at) this.at[p] = at[i]!;
    }
  }
  has(a: number, b: number): boolean {
    for (let p = this.start[a]!; p < this.start[a + 1]!; p++) if (this.other[p] === b) return true;
    return false;
  }
  /** True when a link a → b exists earlier than `time` (needs times). */
  before(a: number, b: number, time: number): boolean {
    for (let p = this.start[a]!; p < this.start[a + 1]!; p++)
      if (this.other[p] === b && this.at[p]! < time) return true;
    return false;
  }
}

export function extractFeatures(db: Db, progress: ProgressSink): FeatureSet {
  const users = db
    .prepare<[], { id: string; registered_at: number; district: string | null }>(
      `SELECT id, registered_at, district FROM users`,
    )
    .all();
  const n = users.length;
  const index = new Map<string, number>();
  users.forEach((u, i) => index.set(u.id, i));
  const districts = homeDistricts(users);

  /** The newest activity seen by the scans below (greetings, transfers, reports): the detection clock. */
  let newest = -Infinity;
  const seen = (t: number): void => {
    if (t > newest) newest = t;
  };

  // Who was introduced to whom: a handle sent to an introduction is part of a conversation.
  const introFrom: number[] = [];
  const introTo: number[] = [];
  for (const [a0, b0] of db.prepare(`SELECT user_a, user_b FROM introductions`).raw().iterate() as Iterable<
    [string, string]
  >) {
    const a = index.get(a0);
    const b = index.get(b0);
    if (a === undefined || b === undefined) continue;
    introFrom.push(a, b);
    introTo.push(b, a);
  }
  progress.throwIfCancelled();

  const incoming = readIncoming(db, index, n, districts, seen, progress);
  const introduced = new Links(Int32Array.from(introFrom), Int32Array.from(introTo), null, introFrom.length, n);
  const outgoing = readOutgoing(db, index, n, districts, introduced, seen, progress);

  const reports = new Map<number, { byReason: Record<string, number>; reporters: Set<number>; ids: string[] }>();
  for (const [id, reporter, reported, reason, createdAt] of db
    .prepare(`SELECT id, reporter_id, reported_id, reason, created_at FROM reports`)
    .raw()
    .iterate() as Iterable<[string, string, string, string, number]>) {
    seen(createdAt);
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

  const referenceAt = Number.isFinite(newest) ? newest : Math.floor(Date.now() / 1000);
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
      otherDistrictPayerShare: inc?.otherDistrictShare ?? 0,
      greetingsSent: og?.sent ?? 0,
      greetingRecipients: og?.recipients ?? 0,
      replyRate: og?.replyRate ?? 0,
      otherDistrictRecipientShare: og?.otherDistrictShare ?? 0,
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

/** Each account's home district as a small number, 0 when the export does not say (then nobody counts as far). */
function homeDistricts(users: readonly { district: string | null }[]): Int32Array {
  const codes = new Map<string, number>();
  return Int32Array.from(users, (u) => {
    if (u.district === null || u.district === '') return 0;
    let c = codes.get(u.district);
    if (c === undefined) codes.set(u.district, (c = codes.size + 1));
    return c;
  });
}

/** Share of `others` known to live in another district than `own` (0 when `own` is unknown). */
function otherDistrictShare(own: number, others: Iterable<number>, districts: Int32Array): number {
  const home = districts[own]!;
  let far = 0;
  let all = 0;
  for (const o of others) {
    all++;
    const d = districts[o]!;
    if (home !== 0 && d !== 0 && d !== home) far++;
  }
  return all > 0 ? far / all : 0;
}

/**
 * Incoming transfers grouped by recipient. One sequential scan of the table (a scan in index order would be one
 * random row lookup per transfer), rows bucketed by recipient in memory with a counting sort; who paid whom is
 * collected on the way for "do they pay each other".
 */
function readIncoming(
  db: Db,
  index: Map<string, number>,
  n: number,
  districts: Int32Array,
  seen: (time: number) => void,
  progress: ProgressSink,
): Map<number, Incoming> {
  const total = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM transfers`).get()!.n;
  const to = new Int32Array(total);
  const from = new Int32Array(total);
  const amount = new Float64Array(total);
  const at = new Float64Array(total);
  /** 1 order-like memo, 2 a shared bill, gift or event, 0 neither: classified as read, the text is not kept. */
  const memoKind = new Uint8Array(total);
  const rowids = new Float64Array(total);
  let count = 0;
  let done = 0;
  for (const [rowid, f0, t0, a, p, m] of db
    .prepare(`SELECT rowid, from_user, to_user, amount_fen, paid_at, memo FROM transfers`)
    .raw()
    .iterate() as Iterable<[number, string, string, number, number, string]>) {
    if (++done % BATCH === 0) {
      progress.throwIfCancelled();
      progress.report('reading transfers', done, total);
    }
    seen(p);
    const t = index.get(t0);
    const f = index.get(f0);
    if (t === undefined || f === undefined || count >= total) continue;
    to[count] = t;
    from[count] = f;
    amount[count] = a;
    at[count] = p;
    memoKind[count] = m === '' ? 0 : ORDER_MEMO.test(m) ? 1 : EVENT_MEMO.test(m) ? 2 : 0;
    rowids[count] = rowid;
    count++;
  }
  progress.report('reading transfers', done, total);
  const paid = new Links(from, to, null, count, n);
  const order = byKeyThenTime(to, at, count, n);
  const result = new Map<number, Incoming>();
  for (let i = 0; i < count;) {
    const recipient = to[order[i]!]!;
    let j = i;
    const rows: { from: number; amount: number; at: number; memoKind: number; rowid: number }[] = [];
    while (j < count && to[order[j]!] === recipient) {
      const k = order[j]!;
      rows.push({ from: from[k]!, amount: amount[k]!, at: at[k]!, memoKind: memoKind[k]!, rowid: rowids[k]! });
      j++;
    }
    result.set(recipient, summariseIncoming(recipient, rows, paid, districts));
    i = j;
  }
  // Evidence rows by id (few accounts have order memos: a lookup each).
  const idOf = db.prepare<[number], string>(`SELECT id FROM transfers WHERE rowid = ?`).pluck();
  for (const inc of result.values()) inc.orderIds = inc.orderRowids.map((r) => idOf.get(r)!);
  return result;
}

/** Row positions ordered by key (a user index), then time: a counting sort on the key, each bucket sorted by time. */
function byKeyThenTime(key: Int32Array, time: Float64Array, count: number, keys: number): Int32Array {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < count; i++) start[key[i]! + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keys);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[fill[key[i]!]!++] = i;
  for (let k = 0; k < keys; k++) {
    const a = start[k]!;
    const b = start[k + 1]!;
    if (b - a > 1) {
      const bucket = Array.from(order.subarray(a, b)).sort((x, y) => time[x]! - time[y]! || x - y);
      order.set(bucket, a);
    }
  }
  return order;
}

function summariseIncoming(
  to: number,
  rows: readonly { from: number; amount: number; at: number; memoKind: number; rowid: number }[],
  paid: Links,
  districts: Int32Array,
): Incoming {
  const payersOfAmount = new Map<number, Set<number>>();
  const firstAt = new Map<number, number>();
  const daysOf = new Map<number, Set<number>>();
  let order = 0;
  let event = 0;
  const orderRowids: number[] = [];
  for (const r of rows) {
    let s = payersOfAmount.get(r.amount);
    if (!s) payersOfAmount.set(r.amount, (s = new Set()));
    s.add(r.from);
    if (!firstAt.has(r.from)) firstAt.set(r.from, r.at);
    let d = daysOf.get(r.from);
    if (!d) daysOf.set(r.from, (d = new Set()));
    d.add(Math.floor(r.at / DAY));
    if (r.memoKind === 1) {
      order++;
      if (orderRowids.length < EVIDENCE_PER_SIGNAL) orderRowids.push(r.rowid);
    } else if (r.memoKind === 2) event++;
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
  for (const p of firstAt.keys()) if (paid.has(to, p)) reciprocal++;
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
    otherDistrictShare: otherDistrictShare(to, firstAt.keys(), districts),
    orderRowids,
    orderIds: [],
  };
}

/** Greetings grouped by sender: one sequential scan, bucketed in memory (see readIncoming). */
function readOutgoing(
  db: Db,
  index: Map<string, number>,
  n: number,
  districts: Int32Array,
  introduced: Links,
  seen: (time: number) => void,
  progress: ProgressSink,
): Map<number, Outgoing> {
  const total = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM greetings`).get()!.n;
  const from = new Int32Array(total);
  const to = new Int32Array(total);
  const at = new Float64Array(total);
  const replied = new Uint8Array(total);
  const text: string[] = new Array<string>(total);
  const ids: string[] = new Array<string>(total);
  let count = 0;
  let done = 0;
  for (const [id, f0, t0, sent, body, repliedAt] of db
    .prepare(`SELECT id, from_user, to_user, sent_at, text, replied_at FROM greetings`)
    .raw()
    .iterate() as Iterable<[string, string, string, number, string, number | null]>) {
    if (++done % BATCH === 0) {
      progress.throwIfCancelled();
      progress.report('reading greetings', done, total);
    }
    seen(sent);
    const f = index.get(f0);
    const t = index.get(t0);
    if (f === undefined || t === undefined || count >= total) continue;
    from[count] = f;
    to[count] = t;
    at[count] = sent;
    replied[count] = repliedAt === null ? 0 : 1;
    text[count] = body;
    ids[count] = id;
    count++;
  }
  progress.report('reading greetings', done, total);
  // "They wrote to me first" makes a later handle part of a conversation.
  const greeted = new Links(from, to, at, count, n);
  const order = byKeyThenTime(from, at, count, n);
  const result = new Map<number, Outgoing>();
  for (let i = 0; i < count;) {
    const sender = from[order[i]!]!;
    let j = i;
    const rows: { to: number; at: number; text: string; replied: boolean; id: string }[] = [];
    while (j < count && from[order[j]!] === sender) {
      const k = order[j]!;
      rows.push({ to: to[k]!, at: at[k]!, text: text[k]!, replied: replied[k] === 1, id: ids[k]! });
      text[k] = ''; // let the strings go as senders are done
      j++;
    }
    result.set(sender, summariseOutgoing(sender, rows, introduced, greeted, districts));
    i = j;
    if ((i & 0x3fff) === 0) progress.throwIfCancelled();
  }
  return result;
}

function summariseOutgoing(
  from: number,
  rows: readonly { to: number; at: number; text: string; replied: boolean; id: string }[],
  introduced: Links,
  greeted: Links,
  districts: Int32Array,
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
  // Each greeting in the recogniser's form, read once: for handles and words here, for near-duplicates below.
  const displays = new Array<string>(rows.length);
  for (let i = 0, j = 0; i < rows.length; i++) {
    const g = rows[i]!;
    while (g.at - rows[j]!.at >= 3600) j++;
    maxPerHour = Math.max(maxPerHour, i - j + 1);
    days.add(Math.floor(g.at / DAY));
    recipients.add(g.to);
    // A conversation: they were introduced, they wrote first, or an earlier greeting of ours was answered.
    const warm = introduced.has(from, g.to) || answered.has(g.to) || greeted.before(g.to, from, g.at);
    if (g.replied) {
      replied++;
      answered.add(g.to);
    }
    // Read once as the recogniser reads it, for the handles and the words alike: "兼\u200b职" or "包\u2060邮" with a
    // zero-width character inside is still the word (the raw text hid it from the word lists).
    const display = (displays[i] = normaliseForDisplay(g.text));
    const found = findHandleSpans(display);
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
    if (SELLING_WORDS.test(display)) selling++;
    if (PROMO_WORDS.test(display)) promo++;
  }
  let topHandleReach = 0;
  for (const s of handleReach.values()) topHandleReach = Math.max(topHandleReach, s.size);
  // Near-duplicates only matter for someone greeting several people; one or two greetings cannot be a campaign.
  let templateReach = recipients.size >= 3 ? 1 : recipients.size;
  let clusterIds: string[] = [];
  if (recipients.size >= 3) {
    const labels = lshClusters(displays.map((display) => minhash(displayShingles(display))));
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
    otherDistrictShare: otherDistrictShare(from, recipients, districts),
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
