import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decide } from '../moderation/decisions';
import { createServices } from '../services';
import { seedMirror } from '../testing/moderation-mirror';
import { tempDir } from '../testing/temp';

const lead = { name: 'lin', role: 'lead' as const };
afterEach(() => vi.useRealTimers());

function setup() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const services = createServices({
    dbPath: path.join(tempDir(), 'encounter.db'),
    outboxTiming: { quietMs: 1_000, maxWaitMs: 5_000 },
    log: () => {},
  });
  seedMirror(services.db, 20);
  const decideOne = (i: number) => {
    decide(services.db, { userId: `u${i}`, action: 'warn', reasonCode: 'spam_confirmed' }, lead, {});
    services.outbox.decisionsChanged();
  };
  const files = () => (fs.existsSync(services.outboxDir) ? fs.readdirSync(services.outboxDir).sort() : []);
  const lines = (file: string) => fs.readFileSync(path.join(services.outboxDir, file), 'utf8').trim().split('\n');
  return { services, decideOne, files, lines };
}

describe('the outbox writer', () => {
  it('puts the decisions of a short span into one file, once decisions pause', () => {
    const { services, decideOne, files, lines } = setup();
    decideOne(1);
    vi.advanceTimersByTime(500);
    decideOne(2);
    vi.advanceTimersByTime(500);
    decideOne(3);
    vi.advanceTimersByTime(999);
    expect(files()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(files()).toHaveLength(1);
    expect(lines(files()[0]!)).toHaveLength(3);
    decideOne(4);
    vi.advanceTimersByTime(1_000);
    expect(files()).toHaveLength(2);
    services.close();
  });

  it('does not hold decisions back longer than maxWait while they keep coming, and writes the rest on close', () => {
    const { services, decideOne, files, lines } = setup();
    for (let i = 1; i <= 8; i++) {
      decideOne(i);
      vi.advanceTimersByTime(700);
    }
    // The first batch went out 5 s after the first decision (decisions 1–8 came every 0.7 s: 8 by then).
    expect(files()).toHaveLength(1);
    expect(lines(files()[0]!)).toHaveLength(8);
    decideOne(9);
    services.close();
    expect(files()).toHaveLength(2);
    expect(lines(files()[1]!)).toHaveLength(1);
  });
});
