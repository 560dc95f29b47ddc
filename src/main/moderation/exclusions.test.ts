import { describe, expect, it } from 'vitest';
import type { Operator } from '../../shared/contract/app';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { activateRuleSetVersion, ensureRuleSetVersion } from '../engine/store';
import { freshDb, seedFlags } from '../testing/moderation-mirror';
import { decide, undo } from './decisions';
import { currentExclusions, heldAt, holdThresholdOf, matchingExclusions } from './exclusions';
import { detectorModel } from './model/model';

const NOW = 1_764_100_000;
const reviewer: Operator = { name: 'ann', role: 'reviewer' };
const lead: Operator = { name: 'lee', role: 'lead' };
const noOutbox = { now: NOW };
const SCORES = [0.995, 0.97, 0.9, 0.6, 0.3];

function mirror() {
  const { db, userIds } = freshDb(6);
  const flags = seedFlags(db, userIds.slice(0, 5), 'spammer', NOW - 100, { version: 3, score: (i) => SCORES[i]! });
  return { db, flags };
}

describe('held out of matching while pending (detection holds)', () => {
  it('holds accounts whose pending assessment reaches the rule set threshold, and says which are held', () => {
    const { db } = mirror();
    const at95 = matchingExclusions(db, NOW, { holdThreshold: 0.95 });
    expect([...at95].sort()).toEqual(['u0', 'u1']);
    expect([...at95.heldByDetection].sort()).toEqual(['u0', 'u1']);
    expect(at95.holdThreshold).toBe(0.95);
    expect(at95.pending.size).toBe(5);
    expect(heldAt(at95.pending, 0.85)).toBe(3);
    expect([...matchingExclusions(db, NOW, { holdThreshold: 0.85 })].sort()).toEqual(['u0', 'u1', 'u2']);
  });

  it("without a threshold of its own, a rule set holds at the detector version's recommendation", () => {
    const { db } = mirror();
    const recommended = detectorModel().holdThreshold;
    expect(holdThresholdOf(DEFAULT_RULE_SET)).toBe(recommended);
    const expected = ['u0', 'u1', 'u2', 'u3', 'u4'].filter((_, i) => SCORES[i]! >= recommended);
    expect([...matchingExclusions(db, NOW)].sort()).toEqual(expected);
    // The active rule set's threshold is the default one.
    activateRuleSetVersion(db, ensureRuleSetVersion(db, { ...DEFAULT_RULE_SET, holdThreshold: 0.99 }, 'lee'), 'lee');
    expect([...matchingExclusions(db, NOW)]).toEqual(['u0']);
  });

  it('a reviewer decision ends the hold; an escalation does not; undoing the decision brings it back', () => {
    const { db, flags } = mirror();
    decide(db, { flagId: flags[1]!, action: 'escalate', reasonCode: 'needs_lead_review' }, reviewer, noOutbox);
    expect(matchingExclusions(db, NOW + 1, { holdThreshold: 0.95 }).heldByDetection.has('u1')).toBe(true);
    const cleared = decide(db, { flagId: flags[1]!, action: 'clear', reasonCode: 'false_positive' }, lead, {
      now: NOW + 2,
    });
    expect(matchingExclusions(db, NOW + 3, { holdThreshold: 0.95 }).has('u1')).toBe(false);
    undo(db, cleared.id, lead, { now: NOW + 4 });
    expect(matchingExclusions(db, NOW + 5, { holdThreshold: 0.95 }).heldByDetection.has('u1')).toBe(true);
  });

  it("a reviewer's hold or restriction counts as a decision, not as a detection hold", () => {
    const { db, flags } = mirror();
    decide(db, { flagId: flags[0]!, action: 'hold', reasonCode: 'insufficient_evidence' }, reviewer, noOutbox);
    const ex = matchingExclusions(db, NOW + 1, { holdThreshold: 0.95 });
    expect(ex.has('u0')).toBe(true);
    expect(ex.heldByDetection.has('u0')).toBe(false);
    expect(ex.pending.has('u0')).toBe(false);
  });

  it("a reviewer's hold stands while they escalate the item to a lead; the lead's decision ends it", () => {
    const { db, flags } = mirror();
    // u3's assessment is below any detection hold: only the reviewer's hold keeps it out.
    decide(db, { flagId: flags[3]!, action: 'hold', reasonCode: 'insufficient_evidence' }, reviewer, noOutbox);
    decide(db, { flagId: flags[3]!, action: 'escalate', reasonCode: 'needs_lead_review' }, reviewer, {
      now: NOW + 1,
    });
    expect(matchingExclusions(db, NOW + 2, { holdThreshold: 0.95 }).has('u3')).toBe(true);
    decide(db, { flagId: flags[3]!, action: 'clear', reasonCode: 'false_positive' }, lead, { now: NOW + 3 });
    expect(matchingExclusions(db, NOW + 4, { holdThreshold: 0.95 }).has('u3')).toBe(false);
  });

  it('items of uncalibrated detector versions never hold anyone', () => {
    const { db, userIds } = freshDb(3);
    seedFlags(db, userIds, 'micro_seller', NOW, { version: 2, score: () => 1 });
    expect(matchingExclusions(db, NOW, { holdThreshold: 0.5 }).size).toBe(0);
  });
});

describe('the kept answer for the pages (currentExclusions)', () => {
  const same = (a: Set<string>, b: Set<string>) => expect([...a].sort()).toEqual([...b].sort());

  it("is the scan's answer at every second, across an expiry and a decision dated ahead of the clock", () => {
    const { db, flags } = mirror();
    // A restriction that ends at NOW + 5, and a hold another machine dated NOW + 8 (its clock runs ahead).
    decide(
      db,
      { flagId: flags[3]!, action: 'restrict', reasonCode: 'selling_confirmed', expiresAt: NOW + 5 },
      lead,
      noOutbox,
    );
    decide(db, { flagId: flags[4]!, action: 'hold', reasonCode: 'insufficient_evidence' }, reviewer, { now: NOW + 8 });
    for (let at = NOW; at <= NOW + 10; at++) {
      const kept = currentExclusions(db, at);
      const scanned = matchingExclusions(db, at);
      same(kept, scanned);
      same(kept.heldByDetection as Set<string>, scanned.heldByDetection as Set<string>);
    }
    expect(currentExclusions(db, NOW + 4).has('u3')).toBe(true);
    expect(currentExclusions(db, NOW + 5).has('u3')).toBe(false);
    expect(currentExclusions(db, NOW + 7).has('u4')).toBe(false);
    expect(currentExclusions(db, NOW + 8).has('u4')).toBe(true);
  });

  it('is the same object while nothing changes, and a new answer once a decision is written', () => {
    const { db, flags } = mirror();
    const first = currentExclusions(db, NOW);
    expect(currentExclusions(db, NOW + 100)).toBe(first);
    decide(db, { flagId: flags[0]!, action: 'clear', reasonCode: 'false_positive' }, lead, { now: NOW + 101 });
    const after = currentExclusions(db, NOW + 102);
    expect(after).not.toBe(first);
    expect(after.has('u0')).toBe(false);
  });
});
