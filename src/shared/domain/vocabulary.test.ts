import { describe, expect, it } from 'vitest';
import { contract } from '../contract';
import { FLAG_REASONS } from './detection';
import { DECISION_ACTIONS } from './moderation';
import { DECISION_REASONS } from './reason-codes';

const decide = contract['moderation.decide'].input;
const bulkApply = contract['moderation.bulkApply'].input;
const queue = contract['moderation.queue'].input;

const bulk = (reasonCode: string) => ({
  selection: { flagIds: [1] },
  action: 'warn',
  reasonCode,
  expectedAccounts: 1,
  selectionKey: 'k',
});

describe('the contract checks against the shared vocabularies', () => {
  it('takes every decision reason of the vocabulary and refuses any other code', () => {
    for (const reasonCode of DECISION_REASONS) {
      expect(decide.safeParse({ flagId: 1, action: 'warn', reasonCode }).success).toBe(true);
      expect(bulkApply.safeParse(bulk(reasonCode)).success).toBe(true);
    }
    // Well-formed codes outside the vocabulary (the old open pattern took them) and the undo rows' code.
    for (const reasonCode of ['spam_template', 'appeal_accepted', 'undo', 'Bad Code']) {
      const single = decide.safeParse({ flagId: 1, action: 'warn', reasonCode });
      expect(single.success).toBe(false);
      expect(single.error?.issues[0]?.path).toEqual(['reasonCode']);
      expect(bulkApply.safeParse(bulk(reasonCode)).error?.issues[0]?.path).toEqual(['reasonCode']);
    }
  });

  it('takes every decision action and refuses undo as an action', () => {
    for (const action of DECISION_ACTIONS) {
      expect(decide.safeParse({ flagId: 1, action, reasonCode: 'false_positive' }).success).toBe(true);
    }
    expect(decide.safeParse({ flagId: 1, action: 'undo', reasonCode: 'false_positive' }).success).toBe(false);
  });

  it("filters the queue by the detectors' reason codes only", () => {
    for (const reason of FLAG_REASONS) {
      expect(queue.safeParse({ queue: 'unreviewed', filter: { reason } }).success).toBe(true);
    }
    expect(queue.safeParse({ queue: 'unreviewed', filter: { reason: 'selling_confirmed' } }).success).toBe(false);
  });
});
