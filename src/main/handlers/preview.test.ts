import { describe, expect, it } from 'vitest';
import { listAudit } from '../audit/audit-log';
import { dispatch } from '../dispatch';
import { buildPrivacyFixture } from '../testing/privacy-mirror';
import { tempServices } from '../testing/temp';

describe('preview handlers', () => {
  const services = tempServices();
  const fixture = buildPrivacyFixture(services.db, { seed: 7 });
  const [a, b] = fixture.pairs[0]!;
  const unmaskAudits = () => listAudit(services.db, 1000).filter((r) => r.action === 'privacy.unmask');

  it('refuses unmask to a reviewer with FORBIDDEN and logs nothing raw', async () => {
    services.session.operator = { name: '王审核', role: 'reviewer' };
    const reply = await dispatch(
      'preview.unmask',
      { userId: a, reason: 'checking a complaint about this account' },
      services,
    );
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(reply)).not.toContain('真名');
    expect(unmaskAudits()).toHaveLength(0);
  });

  it('refuses unmask when nobody is signed in', async () => {
    services.session.operator = null;
    const reply = await dispatch(
      'preview.unmask',
      { userId: a, reason: 'checking a complaint about this account' },
      services,
    );
    expect(reply.ok ? null : reply.error.code).toBe('NOT_SIGNED_IN');
  });

  it('refuses a reason that is too short, saying where', async () => {
    services.session.operator = { name: '李组长', role: 'lead' };
    const reply = await dispatch('preview.unmask', { userId: a, reason: 'why' }, services);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_INPUT');
      expect(reply.error.message).toContain('reason');
    }
  });

  it('unmasks one account for a lead for 60 s and audits operator and reason', async () => {
    services.session.operator = { name: '李组长', role: 'lead' };
    const before = Date.now();
    const reply = await dispatch('preview.unmask', { userId: a, reason: '用户投诉核实身份 ticket 42' }, services);
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const raw = services.db.prepare(`SELECT real_name, phone FROM users WHERE id = ?`).get(a) as {
      real_name: string;
      phone: string;
    };
    const value = reply.value as { realName: string; phone: string; validSeconds: number; expiresAt: string };
    expect(value.realName).toBe(raw.real_name);
    expect(value.phone).toBe(raw.phone);
    expect(value.validSeconds).toBe(60);
    expect(Date.parse(value.expiresAt) - before).toBeGreaterThanOrEqual(59_000);
    const audits = unmaskAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      operator: '李组长',
      subject: a,
      details: { reason: '用户投诉核实身份 ticket 42' },
    });
  });

  it('unmask of an unknown user is NOT_FOUND and not audited', async () => {
    services.session.operator = { name: '李组长', role: 'lead' };
    const n = unmaskAudits().length;
    const reply = await dispatch('preview.unmask', { userId: 'nobody', reason: 'checking a complaint here' }, services);
    expect(reply.ok ? null : reply.error.code).toBe('NOT_FOUND');
    expect(unmaskAudits()).toHaveLength(n);
  });

  it('lists runs and searches introductions by user id', async () => {
    const runs = await dispatch('preview.runs', {}, services);
    expect(runs).toMatchObject({
      ok: true,
      value: { runs: [{ id: fixture.runId, introductions: fixture.pairs.length }] },
    });
    const found = await dispatch('preview.introductions', { runId: fixture.runId, userId: b }, services);
    expect(found.ok).toBe(true);
    if (found.ok) {
      const value = found.value as { total: number; introductions: { userA: string; userB: string }[] };
      expect(value.total).toBe(fixture.pairs.filter(([x, y]) => x === b || y === b).length);
      expect(value.introductions.every((i) => i.userA === b || i.userB === b)).toBe(true);
    }
  });

  it('names what is missing: an unknown run, a pair that was not introduced, a bad choice', async () => {
    const noRun = await dispatch('preview.pair', { runId: 999, userA: a, userB: b }, services);
    expect(noRun.ok ? null : noRun.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('999') });
    const notIntroduced = await dispatch('preview.pair', { runId: fixture.runId, userA: a, userB: 'nobody' }, services);
    expect(notIntroduced.ok ? null : notIntroduced.error).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('nobody'),
    });
    const same = await dispatch('preview.pair', { runId: fixture.runId, userA: a, userB: a }, services);
    expect(same.ok ? null : same.error.code).toBe('INVALID_INPUT');
  });

  it('serves a pair preview and plays the guess card through dispatch', async () => {
    let played = 0;
    for (const [x, y] of fixture.pairs.slice(0, 60)) {
      const pair = await dispatch('preview.pair', { runId: fixture.runId, userA: y, userB: x }, services);
      expect(pair.ok).toBe(true);
      const guess = await dispatch('preview.guess', { runId: fixture.runId, userA: x, userB: y, side: 'a' }, services);
      if (!guess.ok) throw new Error(guess.error.message);
      const card = (guess.value as { card: { choices: { id: string }[] } | null }).card;
      if (!card) continue;
      expect(JSON.stringify(guess.value)).not.toContain('correct');
      const answers = await Promise.all(
        card.choices.map((c) =>
          dispatch(
            'preview.answerGuess',
            { runId: fixture.runId, userA: x, userB: y, side: 'a', choiceId: c.id },
            services,
          ),
        ),
      );
      const correct = answers.filter((r) => r.ok && (r.value as { correct: boolean }).correct);
      expect(correct).toHaveLength(1);
      const bad = await dispatch(
        'preview.answerGuess',
        { runId: fixture.runId, userA: x, userB: y, side: 'a', choiceId: 'choice-9' },
        services,
      );
      expect(bad.ok ? null : bad.error).toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('choiceId'),
      });
      played++;
    }
    expect(played).toBeGreaterThan(0);
  });
});
