import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { platformIsoTime } from '../../shared/domain/platform-time';
import { importExport } from '../mirror/import';
import { merchant, tempDir, transaction, user, writeExport } from '../testing/export-files';
import { listAudit } from '../audit/audit-log';
import { dispatch } from '../dispatch';
import { setOperatorEnabled, setOperatorRole } from '../operators/accounts';
import { signedIn, TEST_PASSWORD } from '../testing/operators';
import { buildPrivacyFixture } from '../testing/privacy-mirror';
import { recordIntroductionMembers } from '../engine/store';
import { tempServices } from '../testing/temp';
import { createMaskingPolicy } from './policy';
import { answerGuess, guessCard, pairPreview } from './preview';

/**
 * Attacks on the masked match preview over a small hand-made mirror brought in by the real importer (snapshots,
 * exposures as upstream sends them) and a run whose introduction carries evidence the way the engine writes it.
 *
 *  A and B share: X, an independent coffee shop (crowded: k-anonymous at place level), and the online store of the
 *  brand "Luckin" (only A and B paid there; the brand's offline outlets are crowded, so the brand is k-anonymous).
 *  A also paid at outlets of three other brands (their decoys at brand level).
 */
const policy = createMaskingPolicy({ k: 3 });
const DATE = '2026-11-24';
const X = '0000000001';
const LUCKIN_ONLINE = '0000000002';
const LUCKIN_OUT = ['0000000003', '0000000004'];
const A_BRANDS = [
  ['0000000005', 'FamilyMart', 'convenience'],
  ['0000000006', 'Wagas', 'restaurant'],
  ['0000000007', 'Pret', 'restaurant'],
] as const;
const A = 'oA_aaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'oB_bbbbbbbbbbbbbbbbbbbbbbbbb';
const CROWD = ['oC_1', 'oC_2', 'oC_3', 'oC_4'];
const X_NAME = 'Secret Beans 静安寺店';
/** A little-known bookstore only A and B paid at: under k at every level, so always withheld. */
const RARE = '0000000009';

let root: string;
let db: Db;
let minute = 0;
beforeEach(() => {
  root = tempDir('encounter-preview-attack-');
  db = openDatabase(path.join(root, 'mirror.db'));
  minute = 0;
});
afterEach(() => {
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

type Exposure = { user_id: string; merchant_id: string; level: string };

function snapshot(files: Parameters<typeof writeExport>[2]): void {
  minute++;
  const dir = path.join(root, `export-${minute}`);
  writeExport(
    dir,
    {
      exportId: `snap-${minute}`,
      exportedAt: platformIsoTime(DATE, `03:${String(minute).padStart(2, '0')}:00`),
      kind: 'snapshot',
    },
    files,
  );
  importExport(db, dir, { operator: 'ops' });
}

function baseMirror(exposures: Exposure[]): number {
  const everyone = [A, B, ...CROWD];
  let t = 0;
  const tx = (u: string, m: string) =>
    transaction(String(++t).padStart(28, '0'), u, m, { paid_at: platformIsoTime('2026-11-20', '08:30:00') });
  snapshot({
    users: { rows: everyone.map((id) => user(id, { real_name: `真名${id}`, phone: '13912345678' })) },
    consents: {
      rows: everyone.map((id) => ({
        user_id: id,
        feature: 'meet_similar',
        granted_at: platformIsoTime('2026-01-01', '09:00:00'),
        revoked_at: null,
      })),
    },
    merchants: {
      rows: [
        merchant(X, { name: X_NAME, district: 'Jingan' }),
        merchant(RARE, { name: 'Tiny Books', category: 'bookstore', district: 'Minhang' }),
        merchant(LUCKIN_ONLINE, {
          name: 'Luckin 官方网店',
          brand: 'Luckin',
          category: 'online_store',
          channel: 'online',
          district: null,
          lat: null,
          lon: null,
        }),
        ...LUCKIN_OUT.map((id) => merchant(id, { name: `Luckin ${id}`, brand: 'Luckin' })),
        ...A_BRANDS.map(([id, brand, category]) => merchant(id, { name: `${brand} ${id}`, brand, category })),
      ],
    },
    transactions: {
      rows: [
        tx(A, X),
        tx(B, X),
        tx(A, RARE),
        tx(B, RARE),
        tx(A, LUCKIN_ONLINE),
        tx(B, LUCKIN_ONLINE),
        ...A_BRANDS.map(([id]) => tx(A, id)),
        ...CROWD.flatMap((c) => [tx(c, X), tx(c, LUCKIN_OUT[0]!), ...A_BRANDS.map(([id]) => tx(c, id))]),
      ],
    },
    exposures: { rows: exposures },
  });
  const runId = Number(
    db
      .prepare(
        `INSERT INTO match_runs (date, ruleset_version, ruleset, operator, started_at, finished_at, status) VALUES (?, NULL, ?, 'ops', ?, ?, 'completed')`,
      )
      .run(DATE, JSON.stringify(DEFAULT_RULE_SET), new Date(0).toISOString(), new Date(0).toISOString())
      .lastInsertRowid,
  );
  const [ua, ub] = A < B ? [A, B] : [B, A];
  db.prepare(
    `INSERT INTO run_introductions (run_id, user_a, user_b, score, reasons, evidence) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    ua,
    ub,
    71.5,
    JSON.stringify(['rare_shared_places', 'may_have_met', 'shared_brands_categories']),
    JSON.stringify({
      sharedPlaces: [RARE, LUCKIN_ONLINE, X],
      coPresence: [{ merchantId: X, hourBand: 'morning' }],
    }),
  );
  recordIntroductionMembers(db, runId);
  return runId;
}

const aDecoyExposures: Exposure[] = A_BRANDS.map(([id]) => ({ user_id: A, merchant_id: id, level: 'brand' }));
const exposures = (b: Record<string, string>, a: Record<string, string> = {}): Exposure[] => [
  ...aDecoyExposures,
  ...Object.entries(a).map(([merchant_id, level]) => ({ user_id: A, merchant_id, level })),
  ...Object.entries(b).map(([merchant_id, level]) => ({ user_id: B, merchant_id, level })),
];
const allA = { [X]: 'place', [LUCKIN_ONLINE]: 'brand', [RARE]: 'place' };

describe('the masked preview under attack', () => {
  it("follows the user's current exposure: a later snapshot that drops B's row hides the place on an existing run", () => {
    const runId = baseMirror(exposures({ [X]: 'place', [LUCKIN_ONLINE]: 'brand' }, allA));
    const before = JSON.stringify(pairPreview(db, runId, A, B, policy));
    expect(before, 'the test can fail: shown while both expose it').toContain(X_NAME);

    // B narrows X to category: the same run now shows no name.
    snapshot({ exposures: { rows: exposures({ [X]: 'category', [LUCKIN_ONLINE]: 'brand' }, allA) } });
    const narrowed = pairPreview(db, runId, A, B, policy);
    expect(JSON.stringify(narrowed)).not.toContain(X_NAME);
    expect(narrowed.sides[0].places.map((p) => p.level).sort()).toEqual(['brand', 'category']);

    // B's row for X is dropped (back to hidden): X is on neither side, in no reason and on no guess card.
    snapshot({ exposures: { rows: exposures({ [LUCKIN_ONLINE]: 'brand' }, allA) } });
    const hidden = pairPreview(db, runId, A, B, policy);
    for (const side of hidden.sides) {
      expect(side.places.every((p) => p.level === 'brand')).toBe(true);
      expect(JSON.stringify(side)).not.toMatch(/Jingan|coffee|Secret/);
    }
    for (const side of ['a', 'b'] as const) {
      const { card } = guessCard(db, runId, A, B, side, policy);
      expect(JSON.stringify(card ?? {})).not.toMatch(/Jingan|Secret/);
    }
  });

  it("asymmetric exposure: A shows X at place level, B hides it — neither card says B was there, nor the value's reasons", () => {
    const runId = baseMirror(exposures({ [LUCKIN_ONLINE]: 'brand' }, allA));
    const preview = pairPreview(db, runId, A, B, policy);
    const text = JSON.stringify(preview.sides);
    expect(text).not.toContain(X_NAME);
    expect(text).not.toContain(X);
    expect(text).not.toContain('Jingan');
    // "You may have crossed paths" was about X only: left out rather than hint at it.
    expect(preview.sides[0].reasons.map((r) => r.code)).not.toContain('may_have_met');
  });

  it('category exposure: no name, brand, merchant id, amount or time anywhere on the preview or the guess card', () => {
    const runId = baseMirror(
      exposures({ [X]: 'category', [LUCKIN_ONLINE]: 'category' }, { [X]: 'place', [LUCKIN_ONLINE]: 'place' }),
    );
    const preview = pairPreview(db, runId, A, B, policy);
    const cards = (['a', 'b'] as const).map((s) => guessCard(db, runId, A, B, s, policy));
    const text = JSON.stringify({ sides: preview.sides, cards: cards.map((c) => c.card?.choices ?? null) });
    for (const needle of [
      X_NAME,
      X,
      LUCKIN_ONLINE,
      'Luckin',
      '官方网店',
      '1500',
      '08:30',
      '2026-11-20',
      '真名',
      '1391234',
    ])
      expect(text, needle).not.toContain(needle);
  });

  it("a brand label does not say whether the pair's outlet was the brand's online store (k was counted over all outlets)", () => {
    // X hidden by B: the only disclosed shared place is Luckin, at brand level; only A and B paid at its online
    // store, so "Luckin, online" names fewer than k people although the brand passes k.
    const runId = baseMirror(exposures({ [LUCKIN_ONLINE]: 'brand' }, allA));
    const preview = pairPreview(db, runId, A, B, policy);
    expect(preview.sides[0].places).toEqual([
      { level: 'brand', name: null, brand: 'Luckin', category: null, district: null, online: false },
    ]);
    // A's guess card at brand level: decoys are A's offline brands; the answer must not stand out by its channel.
    const { card } = guessCard(db, runId, A, B, 'a', policy);
    expect(card?.level).toBe('brand');
    expect(new Set(card!.choices.map((c) => c.label.online)).size, 'one shape for all four').toBe(1);
    const answer = card!.choices.find((c) => c.label.brand === 'Luckin')!;
    expect(answerGuess(db, runId, A, B, 'a', answer.id, policy).correct).toBe(true);
  });

  it('says "the same little-known places" only about a place the card may show, never about a withheld one', () => {
    // Both show RARE at place level, but it is under k at every level (withheld); X is hidden by B; Luckin is shown
    // at brand level (no category to name). The engine's rare_shared_places is about RARE: a sentence saying they
    // share little-known places points A at the one little-known place A knows of their own — the withheld one.
    const runId = baseMirror(exposures({ [LUCKIN_ONLINE]: 'brand', [RARE]: 'place' }, allA));
    const preview = pairPreview(db, runId, A, B, policy);
    expect(preview.sides[0].places.map((p) => p.level)).toEqual(['brand']);
    for (const side of preview.sides) expect(side.reasons.map((r) => r.code)).not.toContain('rare_shared_places');
    // Where a place with a category is disclosed, the reason is said about it.
    snapshot({ exposures: { rows: exposures({ [LUCKIN_ONLINE]: 'brand', [RARE]: 'place', [X]: 'category' }, allA) } });
    expect(pairPreview(db, runId, A, B, policy).sides[0].reasons).toContainEqual({
      code: 'rare_shared_places',
      key: 'preview.reason.rare_shared_places.full',
      params: { category: 'coffee', district: 'Jingan' },
    });
  });

  it('answerGuess refuses a choice not on the card, so it cannot be used to probe other places', () => {
    const runId = baseMirror(exposures({ [LUCKIN_ONLINE]: 'brand' }, allA));
    const { card } = guessCard(db, runId, A, B, 'a', policy);
    expect(card).not.toBeNull();
    expect(() => answerGuess(db, runId, A, B, 'a', 'choice-5', policy)).toThrow(/not one of/);
    expect(() => answerGuess(db, runId, A, B, 'a', X, policy)).toThrow(/not one of/);
    const answers = card!.choices.map((c) => answerGuess(db, runId, A, B, 'a', c.id, policy));
    // Every answer names the same right choice: repeating gives nothing more than playing once.
    expect(new Set(answers.map((x) => x.correctChoiceId)).size).toBe(1);
    expect(answers.filter((x) => x.correct)).toHaveLength(1);
  });
});

describe('unmask: who may, and who is recorded', () => {
  const services = tempServices();
  const fixture = buildPrivacyFixture(services.db, { seed: 31 });
  const [subject] = fixture.pairs[0]!;
  const input = { userId: subject, reason: 'checking a complaint about this account', password: TEST_PASSWORD };
  const unmasks = () => listAudit(services.db, 1000).filter((r) => r.action === 'privacy.unmask');

  it('a lead disabled or demoted after signing in sees nothing raw; the lead who unmasks is the one on the audit row', async () => {
    await signedIn(services, 'admin', 'admin-9');
    const disabled = await signedIn(services, 'lead', 'lead-disabled');
    const demoted = await signedIn(services, 'lead', 'lead-demoted');
    const lead = await signedIn(services, 'lead', 'lead-real');
    setOperatorEnabled(services.db, 'admin-9', 'lead-disabled', false, Math.floor(Date.now() / 1000));
    setOperatorRole(services.db, 'admin-9', 'lead-demoted', 'reviewer');
    for (const caller of [disabled, demoted]) {
      const reply = await dispatch('preview.unmask', input, caller);
      expect(reply.ok).toBe(false);
      expect(JSON.stringify(reply)).not.toContain('真名');
    }
    expect(unmasks()).toHaveLength(0);
    const shown = await dispatch('preview.unmask', input, lead);
    expect(shown.ok).toBe(true);
    expect(unmasks()).toEqual([
      expect.objectContaining({
        operator: 'lead-real',
        subject,
        details: expect.objectContaining({ reason: input.reason }),
      }),
    ]);
  });
});
