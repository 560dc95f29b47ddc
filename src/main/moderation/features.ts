import type { ProgressSink } from '../../shared/progress';
import type { Db } from '../db/database';
import { findContactHandles } from '../contact-handles/find';
import { largestClusterReach, lshClusters, minhash, shingles } from './near-duplicates';

/**
 * Per-user behaviour figures the detectors score, read from the mirror in one pass per table (transfers,
 * greetings, reports; never the 5M transactions). Evidence ids are kept, a few per signal, so a flag can show
 * the operator the rows that made it.
 */
export interface UserFeatures {
  userId: string;
  accountAgeDays: number;
  // Incoming money (micro-seller signals).
  incomingTransfers: number;
  distinctPayers: number;
  /** Share of incoming transfers whose exact amount this user received from ≥ 3 different payers. */
  repeatedPriceShare: number;
  orderMemoShare: number;
  billMemoShare: number;
  /** Share of incoming transfers from the top 3 payers (bill collectors: a few friends, over and over). */
  topPayersShare: number;
  // Outgoing greetings (both).
  greetingsSent: number;
  greetingRecipients: number;
  handleGreetings: number;
  partialHandleGreetings: number;
  linkGreetings: number;
  replyRate: number;
  /** Distinct recipients of this user's largest near-duplicate greeting cluster. */
  templateReach: number;
  // Reports against this user.
  reportsByReason: Record<string, number>;
  distinctReporters: number;
  evidence: { transfers: string[]; greetings: string[]; reports: string[] };
}

const ORDER_MEMO =
  /(\d+\s*[盒包件瓶袋份箱斤个罐支套])|[x×]\s*\d+|尾款|定金|订金|代购|下单|拍了|发货|包邮|快递|地址|老板|现货|预定|预订/i;
const BILL_MEMO = /aa|聚餐|房租|水电|物业|网费|分摊|车费|打车|饭钱|还你|红包|生日/i;
const EVIDENCE_PER_SIGNAL = 5;

interface Acc {
  incoming: number;
  payers: Map<number, number>;
  amounts: Map<number, Set<number>>;
  amountCount: Map<number, number>;
  order: number;
  bill: number;
  orderIds: string[];
  sent: number;
  recipients: Set<number>;
  handle: number;
  partial: number;
  link: number;
  replied: number;
  handleIds: string[];
  linkIds: string[];
  greetIds: string[];
  greetTexts: string[];
  greetTo: number[];
  reports: Record<string, number>;
  reporters: Set<number>;
  reportIds: string[];
}

const newAcc = (): Acc => ({
  incoming: 0,
  payers: new Map(),
  amounts: new Map(),
  amountCount: new Map(),
  order: 0,
  bill: 0,
  orderIds: [],
  sent: 0,
  recipients: new Set(),
  handle: 0,
  partial: 0,
  link: 0,
  replied: 0,
  handleIds: [],
  linkIds: [],
  greetIds: [],
  greetTexts: [],
  greetTo: [],
  reports: {},
  reporters: new Set(),
  reportIds: [],
});

const BATCH = 20_000;

export interface FeatureSet {
  /** The detection clock: the newest activity in the mirror, so results depend on the data, not the wall clock. */
  referenceAt: number;
  users: UserFeatures[];
}

export function extractFeatures(db: Db, progress: ProgressSink): FeatureSet {
  const users = db.prepare<[], { id: string; registered_at: number }>(`SELECT id, registered_at FROM users`).all();
  const index = new Map<string, number>();
  users.forEach((u, i) => index.set(u.id, i));
  const acc: (Acc | undefined)[] = new Array(users.length);
  const get = (i: number): Acc => (acc[i] ??= newAcc());

  const referenceAt =
    db
      .prepare<[], { t: number | null }>(
        `SELECT max(t) AS t FROM (SELECT max(sent_at) AS t FROM greetings UNION ALL SELECT max(paid_at) FROM transfers UNION ALL SELECT max(created_at) FROM reports)`,
      )
      .get()?.t ?? Math.floor(Date.now() / 1000);

  const totalTransfers = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM transfers`).get()!.n;
  let done = 0;
  for (const t of db
    .prepare<[], { id: string; from_user: string; to_user: string; amount_fen: number; memo: string }>(
      `SELECT id, from_user, to_user, amount_fen, memo FROM transfers`,
    )
    .iterate()) {
    const to = index.get(t.to_user);
    const from = index.get(t.from_user);
    if (to !== undefined && from !== undefined) {
      const a = get(to);
      a.incoming++;
      a.payers.set(from, (a.payers.get(from) ?? 0) + 1);
      let payersOfAmount = a.amounts.get(t.amount_fen);
      if (!payersOfAmount) a.amounts.set(t.amount_fen, (payersOfAmount = new Set()));
      payersOfAmount.add(from);
      a.amountCount.set(t.amount_fen, (a.amountCount.get(t.amount_fen) ?? 0) + 1);
      if (ORDER_MEMO.test(t.memo)) {
        a.order++;
        if (a.orderIds.length < EVIDENCE_PER_SIGNAL) a.orderIds.push(t.id);
      } else if (BILL_MEMO.test(t.memo)) a.bill++;
    }
    if (++done % BATCH === 0) {
      progress.throwIfCancelled();
      progress.report('reading transfers', done, totalTransfers);
    }
  }
  progress.report('reading transfers', done, totalTransfers);

  const totalGreetings = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM greetings`).get()!.n;
  done = 0;
  for (const g of db
    .prepare<[], { id: string; from_user: string; to_user: string; text: string; replied_at: number | null }>(
      `SELECT id, from_user, to_user, text, replied_at FROM greetings`,
    )
    .iterate()) {
    const from = index.get(g.from_user);
    const to = index.get(g.to_user);
    if (from !== undefined && to !== undefined) {
      const a = get(from);
      a.sent++;
      a.recipients.add(to);
      if (g.replied_at !== null) a.replied++;
      const handles = findContactHandles(g.text);
      if (handles.some((h) => h.kind === 'phone' || h.kind === 'wechat' || h.kind === 'qq')) {
        a.handle++;
        if (a.handleIds.length < EVIDENCE_PER_SIGNAL) a.handleIds.push(g.id);
      } else if (handles.some((h) => h.kind === 'solicit')) a.partial++;
      if (handles.some((h) => h.kind === 'link')) {
        a.link++;
        if (a.linkIds.length < EVIDENCE_PER_SIGNAL) a.linkIds.push(g.id);
      }
      a.greetIds.push(g.id);
      a.greetTexts.push(g.text);
      a.greetTo.push(to);
    }
    if (++done % BATCH === 0) {
      progress.throwIfCancelled();
      progress.report('reading greetings', done, totalGreetings);
    }
  }
  progress.report('reading greetings', done, totalGreetings);

  for (const r of db
    .prepare<[], { id: string; reporter_id: string; reported_id: string; reason: string }>(
      `SELECT id, reporter_id, reported_id, reason FROM reports`,
    )
    .iterate()) {
    const who = index.get(r.reported_id);
    const by = index.get(r.reporter_id);
    if (who === undefined || by === undefined) continue;
    const a = get(who);
    a.reports[r.reason] = (a.reports[r.reason] ?? 0) + 1;
    a.reporters.add(by);
    if (a.reportIds.length < EVIDENCE_PER_SIGNAL) a.reportIds.push(r.id);
  }

  const out: UserFeatures[] = [];
  let scored = 0;
  for (let i = 0; i < users.length; i++) {
    const a = acc[i];
    if (!a) continue;
    if (++scored % BATCH === 0) {
      progress.throwIfCancelled();
      progress.report('near-duplicate greetings', i, users.length);
    }
    let repeated = 0;
    for (const [amount, payers] of a.amounts) if (payers.size >= 3) repeated += a.amountCount.get(amount)!;
    const topPayers = [...a.payers.values()]
      .sort((x, y) => y - x)
      .slice(0, 3)
      .reduce((s, n) => s + n, 0);
    // Near-duplicates only matter for someone greeting several people; one or two greetings cannot be a campaign.
    let templateReach = a.recipients.size >= 3 ? 1 : a.recipients.size;
    let clusterIds: string[] = [];
    if (a.recipients.size >= 3) {
      const labels = lshClusters(a.greetTexts.map((t) => minhash(shingles(t))));
      const best = largestClusterReach(labels, a.greetTo);
      templateReach = best.reach;
      clusterIds = a.greetIds.filter((_, k) => labels[k] === best.label).slice(0, EVIDENCE_PER_SIGNAL);
    }
    out.push({
      userId: users[i]!.id,
      accountAgeDays: (referenceAt - users[i]!.registered_at) / 86400,
      incomingTransfers: a.incoming,
      distinctPayers: a.payers.size,
      repeatedPriceShare: a.incoming ? repeated / a.incoming : 0,
      orderMemoShare: a.incoming ? a.order / a.incoming : 0,
      billMemoShare: a.incoming ? a.bill / a.incoming : 0,
      topPayersShare: a.incoming ? topPayers / a.incoming : 0,
      greetingsSent: a.sent,
      greetingRecipients: a.recipients.size,
      handleGreetings: a.handle,
      partialHandleGreetings: a.partial,
      linkGreetings: a.link,
      replyRate: a.sent ? a.replied / a.sent : 0,
      templateReach,
      reportsByReason: a.reports,
      distinctReporters: a.reporters.size,
      evidence: {
        transfers: a.orderIds,
        greetings: [...new Set([...a.handleIds, ...a.linkIds, ...clusterIds])].slice(0, 3 * EVIDENCE_PER_SIGNAL),
        reports: a.reportIds,
      },
    });
    acc[i] = undefined; // free texts as we go: 200k greetings' strings are the biggest thing held here
  }
  progress.report('near-duplicate greetings', users.length, users.length);
  return { referenceAt, users: out };
}
