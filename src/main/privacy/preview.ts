import { platformNoon } from '../../shared/domain/platform-time';
import type { Db } from '../db/database';
import { readRun } from '../engine/store';
import { runWindow } from '../engine/window';
import {
  type DisclosureContext,
  disclosureContext,
  disclosureLevel,
  type DisclosureLevel,
  type ExposureLevel,
  isExposureLevel,
  labelKey,
  type MerchantFacts,
  type PlaceLabel,
  placeLabel,
  sharedExposure,
} from './disclosure';
import { PrivacyInputError, PrivacyNotFoundError } from './errors';
import { explainReasons, type ReasonExplanation } from './explanations';
import { buildGuessCard, type GuessCard, type GuessUnavailable } from './guess';
import { type MaskedProfile, maskProfile, readUserRow } from './profile';
import { assertValidPolicy, DEFAULT_MASKING_POLICY, type MaskingPolicy } from './policy';
import { limitSql } from '../db/limit';

/**
 * The masked match preview: an introduction as each of its two users would see it. Everything returned here may
 * cross to the renderer; raw rows stay in this file's locals.
 */

export type Side = 'a' | 'b';

/**
 * A person as a user's card shows them: the masked profile without the internal id (users never see ids; how many
 * places were withheld is not on a card either — a count of hidden shared places is itself a disclosure).
 */
export type CardProfile = Omit<MaskedProfile, 'userId'>;

export interface PreviewSide {
  side: Side;
  /** The user whose screen this is (masked: the operator sees whose card it is, not who they are). */
  viewer: CardProfile;
  /** The person introduced to them. */
  other: CardProfile;
  /** Why they were introduced, in words whose parameters all passed disclosure; shown once the guess is played. */
  reasons: ReasonExplanation[];
  /** Shared places at the level this viewer may see, rarest first (at most MAX_SHARED). */
  places: PlaceLabel[];
}

export interface PairPreview {
  runId: number;
  /** The day the introduction is for: users get one introduction a day, and tomorrow's is not shown. */
  date: string;
  /** The matching value, 0–100, as both users see it. */
  score: number;
  sides: [PreviewSide, PreviewSide];
  /** Whose cards these are, for the operator beside the cards (never on a card): side a's and side b's user ids. */
  operatorsOnly: { userIds: { a: string; b: string } };
}

interface Evidence {
  sharedPlaces: string[];
  coPresence: { merchantId: string; hourBand: string }[];
}

const sql = {
  introduction: `SELECT score, reasons, evidence FROM run_introductions WHERE run_id = ? AND user_a = ? AND user_b = ?`,
  exposures: `SELECT merchant_id, level FROM exposures WHERE user_id = ?`,
  // Transactions name their payer and merchant by key (user_keys, merchant_keys): the id becomes its key once, then
  // the (user_key, paid_at) index; each distinct merchant key is turned back into its id.
  windowMerchants: `SELECT mk.id FROM merchant_keys mk WHERE mk.key IN (SELECT merchant_key FROM transactions
    WHERE user_key = (SELECT key FROM user_keys WHERE id = ?) AND paid_at >= ? AND paid_at < ?)`,
  paidAt: `SELECT mk.id FROM merchant_keys mk WHERE mk.key IN (SELECT merchant_key FROM transactions
    WHERE user_key = (SELECT key FROM user_keys WHERE id = ?))`,
  runs: (
    limit: number,
  ) => `SELECT id, date, status, (SELECT count(*) FROM run_introductions ri WHERE ri.run_id = r.id) AS introductions
    FROM match_runs r ORDER BY id DESC ${limitSql(limit)}`,
  introductionsPage: (limit: number) =>
    `SELECT user_a, user_b, score FROM run_introductions WHERE run_id = ? ORDER BY score DESC, user_a, user_b ${limitSql(limit)} OFFSET ?`,
  introductionsCount: `SELECT count(*) FROM run_introductions WHERE run_id = ?`,
  // Found through the user's members rows (migration 018), then each introduction by its primary key.
  userIntroductions: `SELECT i.user_a, i.user_b, i.score FROM run_introduction_members m
    JOIN run_introductions i ON i.run_id = m.run_id
      AND i.user_a = min(m.user_id, m.other_id) AND i.user_b = max(m.user_id, m.other_id)
    WHERE m.run_id = ? AND m.user_id = ? ORDER BY i.user_a, i.user_b`,
};

function parseEvidence(text: string): Evidence {
  const raw = JSON.parse(text) as { sharedPlaces?: unknown; coPresence?: unknown };
  const sharedPlaces = Array.isArray(raw.sharedPlaces)
    ? raw.sharedPlaces.filter((x): x is string => typeof x === 'string')
    : [];
  const coPresence = Array.isArray(raw.coPresence)
    ? raw.coPresence.filter(
        (x): x is { merchantId: string; hourBand: string } =>
          typeof x?.merchantId === 'string' && typeof x?.hourBand === 'string',
      )
    : [];
  return { sharedPlaces, coPresence };
}

interface LoadedIntroduction {
  runId: number;
  date: string;
  userA: string;
  userB: string;
  score: number;
  reasons: string[];
  evidence: Evidence;
  context: DisclosureContext;
  window: { start: number; end: number };
}

/** The pair in stored order (user_a < user_b); the renderer may send it either way. */
export function orderedPair(userA: string, userB: string): [string, string] {
  if (userA === userB)
    throw new PrivacyInputError(`userB: an introduction is between two different users (both are "${userA}")`);
  return userA < userB ? [userA, userB] : [userB, userA];
}

function loadIntroduction(db: Db, runId: number, first: string, second: string): LoadedIntroduction {
  const [userA, userB] = orderedPair(first, second);
  const run = readRun(db, runId);
  if (!run) throw new PrivacyNotFoundError(`runId: there is no matching run ${runId}`);
  const row = db.prepare(sql.introduction).get(runId, userA, userB) as
    { score: number; reasons: string; evidence: string } | undefined;
  if (!row) throw new PrivacyNotFoundError(`run ${runId} did not introduce "${userA}" and "${userB}" to each other`);
  const window = runWindow(run.date, run.ruleSet.windowDays);
  const context = disclosureContext(db, window);
  return {
    runId,
    date: run.date,
    userA,
    userB,
    score: row.score,
    reasons: JSON.parse(row.reasons) as string[],
    evidence: parseEvidence(row.evidence),
    context,
    window,
  };
}

function exposuresOf(db: Db, userId: string): Map<string, ExposureLevel> {
  const rows = db.prepare(sql.exposures).all(userId) as { merchant_id: string; level: string }[];
  return new Map(rows.filter((r) => isExposureLevel(r.level)).map((r) => [r.merchant_id, r.level as ExposureLevel]));
}

interface DisclosedPlace {
  merchant: MerchantFacts;
  level: DisclosureLevel;
  hourBands: string[];
}

/** At most this many shared places are listed: a card, not a dossier. */
const MAX_SHARED = 8;

/** The merchants a user paid at in the introduction's window. */
function windowPlaces(db: Db, intro: LoadedIntroduction, userId: string): Set<string> {
  return new Set(db.prepare(sql.windowMerchants).pluck().all(userId, intro.window.start, intro.window.end) as string[]);
}

/**
 * Every shared place of the pair that both disclosure rules let through: the engine's evidence first (rarest first,
 * co-presence places), then the other places both paid at in the window, most visited first (the engine lists the
 * rarest, which k-anonymity withholds most often). Withheld places are simply absent — nothing counts them.
 */
function discloseShared(db: Db, intro: LoadedIntroduction, policy: MaskingPolicy): DisclosedPlace[] {
  const expA = exposuresOf(db, intro.userA);
  const expB = exposuresOf(db, intro.userB);
  const inA = windowPlaces(db, intro, intro.userA);
  const alsoShared = [...windowPlaces(db, intro, intro.userB)]
    .filter((m) => inA.has(m))
    .sort(
      (x, y) => (intro.context.counts.place.get(y) ?? 0) - (intro.context.counts.place.get(x) ?? 0) || (x < y ? -1 : 1),
    );
  const ids = [
    ...new Set([...intro.evidence.sharedPlaces, ...intro.evidence.coPresence.map((c) => c.merchantId), ...alsoShared]),
  ];
  const disclosed: DisclosedPlace[] = [];
  for (const id of ids) {
    const merchant = intro.context.merchants.get(id);
    const level = merchant
      ? disclosureLevel(merchant, sharedExposure(expA.get(id), expB.get(id)), intro.context.counts, policy)
      : null;
    if (!merchant || level === null) continue;
    const hourBands = intro.evidence.coPresence.filter((c) => c.merchantId === id).map((c) => c.hourBand);
    disclosed.push({ merchant, level, hourBands });
  }
  return disclosed;
}

const cardProfile = ({ userId: _id, ...profile }: MaskedProfile): CardProfile => profile;

export function pairPreview(
  db: Db,
  runId: number,
  first: string,
  second: string,
  policy: MaskingPolicy = DEFAULT_MASKING_POLICY,
): PairPreview {
  assertValidPolicy(policy);
  const intro = loadIntroduction(db, runId, first, second);
  const reference = platformNoon(intro.date); // the reference day for age bands
  const profileA = maskProfile(readUserRow(db, intro.userA), reference, policy);
  const profileB = maskProfile(readUserRow(db, intro.userB), reference, policy);
  const disclosed = discloseShared(db, intro, policy);
  const shares = disclosed.map((d) => ({ label: placeLabel(d.merchant, d.level), hourBands: d.hourBands }));
  // Two places may read the same at their level (two restaurants in one district): a card lists each text once.
  const places = [...new Map(shares.map((s) => [labelKey(s.label), s.label])).values()].slice(0, MAX_SHARED);
  // Rule 1 is symmetric (min of both exposures), so both sides see the same places; each side's own profile and
  // the other's district differ.
  const side = (s: Side, viewer: MaskedProfile, other: MaskedProfile): PreviewSide => ({
    side: s,
    viewer: cardProfile(viewer),
    other: cardProfile(other),
    reasons: explainReasons(intro.reasons, shares, other.district),
    places: places.map((p) => ({ ...p })),
  });
  return {
    runId,
    date: intro.date,
    score: Math.round(intro.score),
    sides: [side('a', profileA, profileB), side('b', profileB, profileA)],
    operatorsOnly: { userIds: { a: intro.userA, b: intro.userB } },
  };
}

export interface GuessCardResult {
  card: GuessCard | null;
  unavailable: GuessUnavailable | null;
}

/**
 * The guess card one side sees (`side` in stored order: a is the smaller id). Each viewer gets their own card: the
 * same answer, decoys from their own places (guess.ts), seeded by (run, pair, side).
 */
export function guessCard(
  db: Db,
  runId: number,
  first: string,
  second: string,
  side: Side,
  policy: MaskingPolicy = DEFAULT_MASKING_POLICY,
): GuessCardResult {
  assertValidPolicy(policy);
  const intro = loadIntroduction(db, runId, first, second);
  const [viewer, other] = side === 'a' ? [intro.userA, intro.userB] : [intro.userB, intro.userA];
  const exposures = exposuresOf(db, viewer);
  // Places the viewer knows: wherever they ever paid (not only in the window), as far as they chose to show them.
  const viewerPlaces = (db.prepare(sql.paidAt).pluck().all(viewer) as string[]).flatMap((id) => {
    const merchant = intro.context.merchants.get(id);
    return merchant ? [{ merchant, exposure: exposures.get(id) ?? ('hidden' as const) }] : [];
  });
  const card = buildGuessCard({
    shared: discloseShared(db, intro, policy),
    viewerPlaces,
    // The district the card shows on the other's profile (the masked profile shows the district as it is).
    otherDistrict: readUserRow(db, other).district,
    context: intro.context,
    policy,
    seed: `${runId}|${intro.userA}|${intro.userB}|${side}`,
  });
  return typeof card === 'string' ? { card: null, unavailable: card } : { card, unavailable: null };
}

export function answerGuess(
  db: Db,
  runId: number,
  first: string,
  second: string,
  side: Side,
  choiceId: string,
  policy: MaskingPolicy = DEFAULT_MASKING_POLICY,
): { correct: boolean; correctChoiceId: string } {
  const { card } = guessCard(db, runId, first, second, side, policy);
  if (!card)
    throw new PrivacyNotFoundError(`run ${runId}: the introduction of "${first}" and "${second}" has no guess card`);
  if (!card.choices.some((c) => c.id === choiceId)) {
    throw new PrivacyInputError(`choiceId: "${choiceId}" is not one of ${card.choices.map((c) => c.id).join(', ')}`);
  }
  return { correct: choiceId === card.correctChoiceId, correctChoiceId: card.correctChoiceId };
}

export interface PreviewRun {
  id: number;
  date: string;
  status: string;
  introductions: number;
}

export function listPreviewRuns(db: Db, limit: number): PreviewRun[] {
  return db.prepare(sql.runs(limit)).all() as PreviewRun[];
}

export interface PreviewIntroductionRow {
  userA: string;
  userB: string;
  score: number;
}

/** One page of a run's introductions (ids and value only), or every introduction of one user id in it. */
export function listPreviewIntroductions(
  db: Db,
  runId: number,
  options: { userId?: string; offset: number; limit: number },
): { total: number; introductions: PreviewIntroductionRow[] } {
  if (!readRun(db, runId)) throw new PrivacyNotFoundError(`runId: there is no matching run ${runId}`);
  type Row = { user_a: string; user_b: string; score: number };
  const toView = (r: Row): PreviewIntroductionRow => ({ userA: r.user_a, userB: r.user_b, score: Math.round(r.score) });
  if (options.userId !== undefined) {
    const rows = db.prepare(sql.userIntroductions).all(runId, options.userId) as Row[];
    return {
      total: rows.length,
      introductions: rows.slice(options.offset, options.offset + options.limit).map(toView),
    };
  }
  const rows = db.prepare(sql.introductionsPage(options.limit)).all(runId, options.offset) as Row[];
  return { total: db.prepare(sql.introductionsCount).pluck().get(runId) as number, introductions: rows.map(toView) };
}
