import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Operator } from '../../shared/contract/app';
import { decide, exportPendingDecisions } from '../moderation/decisions';
import { freshDb, seedFlags } from '../testing/moderation-mirror';
import { type DecisionOutcome, verifyDecisions } from './contention-ledger';

const reviewer: Operator = { name: 'ann', role: 'reviewer' };
const NOW = 1_764_100_000;

/**
 * The contention bench's figures are only as true as its accounting: each way a decision can go wrong must be
 * counted, on a real mirror and a real outbox.
 */
describe('the contention bench accounts for every decision it sent', () => {
  function mirror() {
    const { db, userIds, file: dbPath } = freshDb(6);
    const flags = seedFlags(db, userIds.slice(0, 5));
    const outbox = path.join(path.dirname(dbPath), 'outbox');
    const decided = (flagId: number) =>
      decide(db, { flagId, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, { now: NOW }).id;
    return { db, dbPath, flags, outbox, decided };
  }

  it('confirmed decisions present once in the table and once in the outbox are neither lost nor doubled', () => {
    const { db, dbPath, flags, outbox, decided } = mirror();
    const sent: DecisionOutcome[] = flags.slice(0, 3).map((flagId) => ({
      flagId,
      answer: 'confirmed',
      decisionId: decided(flagId),
      ms: 12,
    }));
    sent.push({ flagId: flags[3]!, answer: 'refused', decisionId: null, ms: 1540 });
    exportPendingDecisions(db, outbox);
    db.close();
    expect(verifyDecisions(dbPath, outbox, sent)).toEqual({
      confirmed: 3,
      refused: 1,
      refusedSlowestMs: 1540,
      refusedButRecorded: 0,
      lost: 0,
      answeredTwice: 0,
    });
  });

  it('counts a confirmed decision missing from the outbox or the table as lost, and an unanswered one too', () => {
    const { db, dbPath, flags, outbox, decided } = mirror();
    const exported = decided(flags[0]!);
    exportPendingDecisions(db, outbox);
    const notExported = decided(flags[1]!);
    db.close();
    const sent: DecisionOutcome[] = [
      { flagId: flags[0]!, answer: 'confirmed', decisionId: exported, ms: 5 },
      { flagId: flags[1]!, answer: 'confirmed', decisionId: notExported, ms: 5 },
      // Confirmed with an id the table does not hold for that item.
      { flagId: flags[2]!, answer: 'confirmed', decisionId: exported, ms: 5 },
      { flagId: flags[3]!, answer: 'none', decisionId: null, ms: 15_000 },
    ];
    expect(verifyDecisions(dbPath, outbox, sent)).toMatchObject({ confirmed: 3, lost: 3, answeredTwice: 0 });
  });

  it('counts a refusal whose decision was recorded anyway, and a decision written twice to the outbox', () => {
    const { db, dbPath, flags, outbox, decided } = mirror();
    const recordedAnyway = decided(flags[0]!);
    const doubled = decided(flags[1]!);
    exportPendingDecisions(db, outbox);
    db.close();
    // Upstream would see the same decision in two files.
    const [file] = fs.readdirSync(outbox).filter((f) => f.startsWith('decisions-'));
    const lines = fs.readFileSync(path.join(outbox, file!), 'utf8');
    const line = lines.split('\n').find((l) => l.includes(`"decision_id":"${doubled}"`));
    fs.writeFileSync(path.join(outbox, 'decisions-copy.jsonl'), `${line}\n`);
    const sent: DecisionOutcome[] = [
      { flagId: flags[0]!, answer: 'refused', decisionId: null, ms: 1500 },
      { flagId: flags[1]!, answer: 'confirmed', decisionId: doubled, ms: 5 },
    ];
    expect(recordedAnyway).toBeGreaterThan(0);
    expect(verifyDecisions(dbPath, outbox, sent)).toMatchObject({
      confirmed: 1,
      refused: 1,
      refusedButRecorded: 1,
      lost: 0,
      answeredTwice: 1,
    });
  });
});
