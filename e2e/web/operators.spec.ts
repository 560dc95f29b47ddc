import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { openDatabase } from '../../src/main/db/database';
import { seedFlags, seedMirror as seedAccounts } from '../../src/main/testing/moderation-mirror';
import { type ConsoleServer, startConsoleServer } from '../console-server';
import { addOperators, expect, query, signIn, signOut, test, TEST_OPERATORS, TEST_PASSWORD } from './fixtures';

/** The lines of the outbox's `<kind>-<from>-<to>.jsonl` files, in file order: what upstream receives. */
function outboxLines(server: ConsoleServer, kind: 'decisions' | 'audit'): Record<string, string>[] {
  const dir = path.join(server.home, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, string>);
}

/** A call made straight over HTTP with this browser's own session cookie and the launch token (no UI). */
async function callAs(
  context: BrowserContext,
  server: ConsoleServer,
  name: string,
  input: unknown,
): Promise<{ ok: boolean; error?: { code: string; details?: Record<string, unknown> } }> {
  // The cookie is scoped to the API's path: the page's own URL does not even see it.
  expect((await context.cookies(server.url)).filter((c) => c.name.startsWith('encounter_session_'))).toEqual([]);
  const cookies = await context.cookies(new URL('/api/', server.url).href);
  const session = cookies.find((c) => c.name.startsWith('encounter_session_'));
  expect(session, 'the browser holds a session cookie').toBeDefined();
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/' });
  const res = await fetch(new URL(`/api/${name}`, server.url), {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${server.token}`,
      'Content-Type': 'application/json',
      Cookie: `${session!.name}=${session!.value}`,
    },
    body: JSON.stringify(input),
  });
  return (await res.json()) as { ok: boolean; error?: { code: string } };
}

/**
 * Opens the review queue and decides the item it offers with the keyboard (1 = clear, Enter); returns its flag id.
 * The item is claimed under the page's own operator while it is open; so is the next one, which the page opens once
 * the decision is made — it returns once that claim is settled too, so another operator's queue read afterwards
 * leaves both out.
 */
async function clearTopItem(page: Page, server: ConsoleServer, operator: string): Promise<string> {
  await page.getByTestId('nav-moderation').click();
  await expect(page.getByTestId('page-moderation')).toHaveAttribute('data-state', 'ready');
  const detail = page.getByTestId('moderation-detail');
  await expect(detail).toHaveAttribute('data-flag-id', /^\d+$/);
  const flagId = (await detail.getAttribute('data-flag-id'))!;
  await expect
    .poll(() => query<{ operator: string }>(server, `SELECT operator FROM claims WHERE flag_id = ?`, Number(flagId)))
    .toEqual([{ operator }]);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('1');
  await expect(page.getByTestId('action-bar')).toHaveAttribute('data-action', 'clear');
  await page.keyboard.press('Enter');
  await expect(detail).not.toHaveAttribute('data-flag-id', flagId);
  // The next item is open (its claim answered): not the empty detail between the two.
  await expect(detail).toHaveAttribute('data-flag-id', /^\d+$/);
  return flagId;
}

test('two browsers signed in as a reviewer and a lead at once: each acts as itself, recorded under its own name', async ({
  app,
  server,
  browser,
}) => {
  const db = openDatabase(server.dbPath);
  const flags = seedFlags(db, seedAccounts(db, 30));
  db.close();
  const reviewerContext = await browser.newContext();
  const other = await reviewerContext.newPage();
  try {
    await signIn(app, 'lead');
    await other.goto(server.launchUrl);
    await signIn(other, 'reviewer');
    // Each sees its own name, and a reload keeps it (the session is the browser's, not the process's).
    await expect(app.getByTestId('operator')).toContainText(`${TEST_OPERATORS.lead} · 组长`);
    await expect(other.getByTestId('operator')).toContainText(`${TEST_OPERATORS.reviewer} · 审核员`);
    await app.reload();
    await expect(app.getByTestId('operator')).toContainText(TEST_OPERATORS.lead);
    await expect(other.getByTestId('operator')).toContainText(TEST_OPERATORS.reviewer);

    // Each claims and decides an item: the lead first, then the reviewer (who is offered another, as the lead's is
    // claimed under the lead's name).
    const leads = await clearTopItem(app, server, '李娜');
    const reviewers = await clearTopItem(other, server, '王芳');
    expect(reviewers).not.toBe(leads);

    const decided = query<{ flag_id: number; operator: string; role: string }>(
      server,
      `SELECT flag_id, operator, role FROM decisions ORDER BY id`,
    );
    expect(decided).toEqual([
      { flag_id: Number(leads), operator: '李娜', role: 'lead' },
      { flag_id: Number(reviewers), operator: '王芳', role: 'reviewer' },
    ]);
    await expect
      .poll(() => outboxLines(server, 'decisions').map((d) => `${d.operator} ${d.action}`))
      .toEqual(['李娜 clear', '王芳 clear']);
    // The audit trail went out with the decisions: each operator's sign-in and decision under their own name, the
    // decision rows naming the decisions upstream just received.
    const decisionIds = outboxLines(server, 'decisions').map((d) => d.decision_id);
    await expect
      .poll(() =>
        outboxLines(server, 'audit')
          .filter((a) => a.action === 'moderation.decide')
          .map((a) => [a.operator, a.subject]),
      )
      .toEqual([
        ['李娜', decisionIds[0]],
        ['王芳', decisionIds[1]],
      ]);
    const sent = outboxLines(server, 'audit');
    expect(sent.filter((a) => a.action === 'session.signIn').map((a) => a.operator)).toEqual(
      expect.arrayContaining(['李娜', '王芳']),
    );
    const audit = query<{ operator: string; subject: string }>(
      server,
      `SELECT a.operator, d.flag_id AS subject FROM audit_log a JOIN decisions d ON a.subject = CAST(d.id AS TEXT) WHERE a.action = 'moderation.decide' ORDER BY a.id`,
    );
    expect(audit).toEqual([
      { operator: '李娜', subject: Number(leads) },
      { operator: '王芳', subject: Number(reviewers) },
    ]);

    // The reviewer's browser session, called straight over HTTP: main refuses suspend and unmask whatever the UI shows.
    const open = flags.find((f) => String(f) !== leads && String(f) !== reviewers)!;
    const suspend = await callAs(reviewerContext, server, 'moderation.decide', {
      flagId: open,
      action: 'suspend',
      reasonCode: 'selling_confirmed',
    });
    expect(suspend).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const unmask = await callAs(reviewerContext, server, 'preview.unmask', {
      userId: 'u1',
      reason: 'checking a complaint ticket',
      password: TEST_PASSWORD,
    });
    expect(unmask).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { needs: 'lead' } } });
    expect(query(server, `SELECT id FROM decisions WHERE action = 'suspend'`)).toHaveLength(0);
    expect(
      query<{ operator: string; subject: string }>(
        server,
        `SELECT operator, subject FROM audit_log WHERE action = 'access.refused'`,
      ),
    ).toEqual([{ operator: '王芳', subject: 'preview.unmask' }]);
    // The lead's own session may: the same call from the lead's browser gets past the role check.
    const leadsUnmask = await callAs(app.context(), server, 'preview.unmask', {
      userId: 'u1',
      reason: 'checking a complaint ticket',
      password: TEST_PASSWORD,
    });
    expect(leadsUnmask.ok).toBe(true);
  } finally {
    await reviewerContext.close();
  }
});

test('signing out ends the session; an idle session ends by itself and the console returns to sign-in', async ({
  page,
}) => {
  const server = await startConsoleServer(['--demo-users', '0', '--idle-timeout', '6s']);
  await addOperators(server);
  try {
    await page.goto(server.launchUrl);
    await signIn(page, 'reviewer');
    await signOut(page);
    await expect(page.getByTestId('app')).toHaveAttribute('data-signed-in', '');
    expect(
      query<{ end_reason: string }>(server, `SELECT end_reason FROM operator_sessions ORDER BY id`).map(
        (r) => r.end_reason,
      ),
    ).toEqual(['signed out']);

    // Left alone past the idle timeout, the console notices and asks for sign-in again, saying why.
    await signIn(page, 'lead');
    await expect(page.getByTestId('session-ended')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('sign-in')).toBeVisible();
    expect(
      query<{ end_reason: string }>(server, `SELECT end_reason FROM operator_sessions ORDER BY id`).map(
        (r) => r.end_reason,
      ),
    ).toEqual(['signed out', 'idle']);
  } finally {
    await server.stop();
  }
});

test('five wrong passwords lock the account: the right one is refused too, with the same message', async ({
  app,
  server,
}) => {
  const failed = async (password: string) => {
    await app.getByTestId('sign-in-name').fill(TEST_OPERATORS.reviewer);
    await app.getByTestId('sign-in-password').fill(password);
    await app.getByTestId('sign-in-submit').click();
    await expect(app.getByTestId('sign-in')).toHaveAttribute('data-state', 'ready');
    await expect(app.getByTestId('error-note')).toHaveAttribute('data-say', 'signInFailed');
    return app.getByTestId('error-note').innerText();
  };
  const messages = new Set<string>();
  for (let i = 0; i < 5; i++) messages.add(await failed(`wrong password ${i}`));
  messages.add(await failed(TEST_PASSWORD));
  // An unknown name gets the very same answer.
  await app.getByTestId('sign-in-name').fill('nobody at all');
  await app.getByTestId('sign-in-password').fill(TEST_PASSWORD);
  await app.getByTestId('sign-in-submit').click();
  await expect(app.getByTestId('error-note')).toHaveAttribute('data-say', 'signInFailed');
  messages.add(await app.getByTestId('error-note').innerText());
  expect(messages.size).toBe(1);
  await expect(app.getByTestId('operator')).toHaveCount(0);
  const [account] = query<{ locked_until: number | null; lockouts: number }>(
    server,
    `SELECT locked_until, lockouts FROM operators WHERE name = ?`,
    TEST_OPERATORS.reviewer,
  );
  expect(account!.lockouts).toBe(1);
  expect(account!.locked_until).toBeGreaterThan(Date.now() / 1000);
  const attempts = query<{ operator: string }>(
    server,
    `SELECT operator FROM audit_log WHERE action = 'session.signInFailed' ORDER BY id`,
  );
  expect(attempts.map((a) => a.operator)).toEqual([...Array<string>(6).fill('王芳'), '(unknown name)']);
});

test('the first admin’s one-time password, printed once by serve, works once and asks for a new password', async ({
  page,
}) => {
  const server = await startConsoleServer(['--demo-users', '0']);
  try {
    const first = server.firstAdmin!;
    expect(first.name).toBe('admin');
    await page.goto(server.launchUrl);
    await signIn(page, 'admin', first.name, first.oneTimePassword);
    // Nothing but a new password until it is chosen.
    await expect(page.getByTestId('change-password')).toHaveAttribute('data-forced', 'true');
    await expect(page.getByTestId('nav-overview')).toHaveCount(0);
    await page.getByTestId('change-password-new').fill('admin password 2026');
    await page.getByTestId('change-password-repeat').fill('admin password 2026');
    await page.getByTestId('change-password-submit').click();
    await expect(page.getByTestId('nav-overview')).toBeVisible();
    await signOut(page);
    // The one-time password never works again; the chosen one does.
    await page.getByTestId('sign-in-name').fill(first.name);
    await page.getByTestId('sign-in-password').fill(first.oneTimePassword);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('error-note')).toHaveAttribute('data-say', 'signInFailed');
    await signIn(page, 'admin', first.name, 'admin password 2026');
    await expect(page.getByTestId('nav-overview')).toBeVisible();
  } finally {
    await server.stop();
  }
});

test('an admin manages operators on the Operators page; a lead reads who did it on the Audit page', async ({
  app,
  server,
}) => {
  // Five wrong passwords for the reviewer, straight over HTTP: the lock is shown to the admin.
  for (let i = 0; i < 5; i++) {
    const res = await fetch(new URL('/api/session.signIn', server.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: TEST_OPERATORS.reviewer, password: `not it ${i}` }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(false);
  }

  await signIn(app, 'admin');
  await app.getByTestId('nav-operators').click();
  const page = app.getByTestId('operators-page');
  await expect(page).toHaveAttribute('data-ready', 'true');
  await expect(app.getByTestId(`operator-${TEST_OPERATORS.reviewer}`)).toHaveAttribute('data-locked', 'true');
  // An admin cannot change their own role or disable themselves (main refuses it too; the page does not offer it).
  await expect(app.getByTestId(`operator-${TEST_OPERATORS.admin}-role`)).toBeDisabled();
  await expect(app.getByTestId(`operator-${TEST_OPERATORS.admin}-disable`)).toBeDisabled();

  await app.getByTestId('operator-add-name').fill('陈静');
  await app.getByTestId('operator-add-role').selectOption('reviewer');
  await app.getByTestId('operator-add-submit').click();
  const issued = app.getByTestId('operator-one-time-password');
  await expect(issued).toHaveAttribute('data-operator', '陈静');
  const oneTime = (await app.getByTestId('operator-one-time-password-value').innerText()).trim();
  expect(oneTime.length).toBeGreaterThanOrEqual(10);
  const row = app.getByTestId('operator-陈静');
  await expect(row).toHaveAttribute('data-role', 'reviewer');
  await app.getByTestId('operator-陈静-role').selectOption('lead');
  await expect(row).toHaveAttribute('data-role', 'lead');
  await app.getByTestId('operator-one-time-password-dismiss').click();
  await expect(issued).toHaveCount(0);
  // The stored account has a hash, never the password.
  const [stored] = query<{ role: string; password_hash: string }>(
    server,
    `SELECT role, password_hash FROM operators WHERE name = ?`,
    '陈静',
  );
  expect(stored!.role).toBe('lead');
  expect(stored!.password_hash).not.toContain(oneTime);

  // The new lead signs in with the one-time password, chooses their own, and sees the audit log but not Operators.
  await signIn(app, 'lead', '陈静', oneTime);
  await app.getByTestId('change-password-new').fill('chen jing 2026 password');
  await app.getByTestId('change-password-repeat').fill('chen jing 2026 password');
  await app.getByTestId('change-password-submit').click();
  await expect(app.getByTestId('nav-audit')).toBeVisible();
  await expect(app.getByTestId('nav-operators')).toHaveCount(0);
  await app.getByTestId('nav-audit').click();
  const audit = app.getByTestId('audit-page');
  await expect(audit).toHaveAttribute('data-ready', 'true');
  await app.getByTestId('audit-filter-operator').selectOption(TEST_OPERATORS.admin);
  await expect(audit).toHaveAttribute('data-ready', 'true');
  const rows = app.getByTestId('audit-rows').locator('tbody tr');
  await expect(rows.first()).toHaveAttribute('data-operator', TEST_OPERATORS.admin);
  const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
  expect(actions).toEqual(expect.arrayContaining(['operator.add', 'operator.setRole']));
  expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operator'))))).toEqual(
    new Set([TEST_OPERATORS.admin]),
  );
  await app.getByTestId('audit-filter-action').selectOption('operator.add');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('陈静');
  // No password, one-time or chosen, ever reaches the audit trail.
  const trail = query<{ details: string }>(server, `SELECT coalesce(details, '') AS details FROM audit_log`);
  for (const { details } of trail) {
    expect(details).not.toContain(oneTime);
    expect(details).not.toContain('chen jing 2026 password');
  }
});
