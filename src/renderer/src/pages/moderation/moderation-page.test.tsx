import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../../../main/testing/in-process-bridge';
import { seedFlags, seedMirror } from '../../../../main/testing/moderation-mirror';
import { tempServices } from '../../../../main/testing/temp';
import type { OperatorRole } from '../../../../shared/contract';
import { translate } from '../../i18n/catalogue';
import { signedIn } from '../../../../main/testing/operators';
import { renderPage } from '../../testing/render';
import { ModerationPage } from '../ModerationPage';
import { ROW_HEIGHT } from './QueueList';

/**
 * The moderation page's hooks at work — useShortcuts, useDecisionFlow, useSelection, useQueue, useOpenItem — in the
 * real page over the real handlers and a real SQLite file (nothing mocked): keys pressed as an operator presses
 * them, outcomes read from the page and from the mirror.
 */
async function openQueue(flags: number, role: OperatorRole = 'lead') {
  const services = tempServices();
  seedFlags(services.db, seedMirror(services.db, flags));
  renderPage(<ModerationPage />, await signedIn(services, role, '李娜'));
  const detail = await screen.findByTestId('moderation-detail');
  await waitFor(() => expect(detail.dataset.flagId).toMatch(/^\d+$/));
  return { services, detail, user: userEvent.setup() };
}

const row = (index: number): HTMLElement | null =>
  document.querySelector(`[data-testid="queue-row"][data-index="${index}"]`);
const flagAt = (index: number): number => Number(row(index)?.dataset.flagId);
const checked = (index: number): boolean =>
  row(index)!.querySelector<HTMLInputElement>('[data-testid="queue-row-check"]')!.checked;
const selectedCount = (): number => Number(screen.queryByTestId('selected-count')?.dataset.count ?? 0);
const say = (key: 'moderation.action.pick' | 'moderation.action.pickReason') => translate('zh-CN', key);

function decisions(services: AppServices) {
  return services.db
    .prepare(`SELECT flag_id AS flagId, action, reason_code AS reason, operator, reverses FROM decisions ORDER BY id`)
    .all() as { flagId: number | null; action: string; reason: string; operator: string; reverses: number | null }[];
}

/** Scrolls the queue's list as a wheel would, so it shows (and fetches) the rows from `index` on. */
function scrollTo(index: number): void {
  const list = screen.getByTestId('queue-list');
  list.scrollTop = index * ROW_HEIGHT;
  fireEvent.scroll(list);
}

describe('useShortcuts: the queue is worked from the keyboard', () => {
  it('j and k (and the arrows) move the cursor, and the open item follows it', async () => {
    const { detail, user } = await openQueue(30);
    expect(Number(detail.dataset.flagId)).toBe(flagAt(0));
    await user.keyboard('j');
    await waitFor(() => expect(Number(detail.dataset.flagId)).toBe(flagAt(1)));
    expect(row(1)!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(Number(detail.dataset.flagId)).toBe(flagAt(2)));
    await user.keyboard('k');
    await waitFor(() => expect(Number(detail.dataset.flagId)).toBe(flagAt(1)));
    await user.keyboard('{ArrowUp}k');
    await waitFor(() => expect(Number(detail.dataset.flagId)).toBe(flagAt(0)));
  });

  it('keys typed into a field are the field’s; Escape leaves it and the keys are shortcuts again', async () => {
    const { detail, user } = await openQueue(30);
    const first = detail.dataset.flagId;
    await user.keyboard('n'); // n: to the note
    const note = screen.getByTestId<HTMLInputElement>('action-note');
    expect(document.activeElement).toBe(note);
    await user.keyboard('jx1');
    expect(note.value).toBe('jx1');
    expect(detail.dataset.flagId).toBe(first);
    expect(selectedCount()).toBe(0);
    expect(screen.getByTestId('action-bar').dataset.action).toBe('');
    await user.keyboard('{Escape}j');
    await waitFor(() => expect(detail.dataset.flagId).not.toBe(first));
  });

  it('an open bulk dialog takes the keys until it closes', async () => {
    const { detail, user } = await openQueue(30);
    const first = detail.dataset.flagId;
    await user.click(screen.getByTestId('bulk-all'));
    await waitFor(() => expect(screen.getByTestId('bulk-dialog').dataset.flags).toBe('30'));
    await user.keyboard('jx');
    expect(detail.dataset.flagId).toBe(first);
    expect(selectedCount()).toBe(0);
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('bulk-dialog')).toBeNull();
    await user.keyboard('j');
    await waitFor(() => expect(detail.dataset.flagId).not.toBe(first));
  });
});

describe('useDecisionFlow: pick, Enter, u', () => {
  it('Enter without an action asks for one, without a reason asks for a reason, and decides nothing', async () => {
    const { services, user } = await openQueue(10);
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('moderation-message').textContent).toBe(say('moderation.action.pick'));
    await user.keyboard('3');
    expect(screen.getByTestId('action-bar').dataset.action).toBe('restrict');
    // The reason an operator most often gives for it is offered; taking it away leaves the decision without one.
    expect(screen.getByTestId<HTMLSelectElement>('action-reason').value).not.toBe('');
    await user.selectOptions(screen.getByTestId('action-reason'), '');
    await user.keyboard('{Escape}{Enter}');
    expect(screen.getByTestId('moderation-message').textContent).toBe(say('moderation.action.pickReason'));
    expect(decisions(services)).toEqual([]);
  });

  it('1 and Enter clear the open item in main, the next one opens, and u undoes the decision', async () => {
    const { services, detail, user } = await openQueue(10);
    const first = Number(detail.dataset.flagId);
    await user.keyboard('1');
    expect(screen.getByTestId<HTMLSelectElement>('action-reason').value).toBe('false_positive');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(Number(detail.dataset.flagId)).not.toBe(first));
    await waitFor(() => expect(screen.getByTestId('page-moderation').dataset.state).toBe('ready'));
    expect(decisions(services)).toEqual([
      { flagId: first, action: 'clear', reason: 'false_positive', operator: '李娜', reverses: null },
    ]);
    expect(screen.getByTestId('queue-tab-resolved').dataset.count).toBe('1');
    expect(row(0)!.dataset.flagId).not.toBe(String(first));

    await user.keyboard('u');
    await waitFor(() => expect(screen.getByTestId('queue-tab-resolved').dataset.count).toBe('0'));
    const [decided, undone] = decisions(services);
    expect(undone).toMatchObject({ action: 'undo', flagId: first });
    expect(services.db.prepare(`SELECT reverses FROM decisions WHERE action = 'undo'`).pluck().get()).toBe(
      services.db.prepare(`SELECT id FROM decisions WHERE action = 'clear'`).pluck().get(),
    );
    expect(decided).toMatchObject({ action: 'clear' });
    expect(screen.getByTestId('queue-tab-unreviewed').dataset.count).toBe('10');
    // Nothing left to undo: u is a no-op, not an error.
    await user.keyboard('u');
    expect(decisions(services)).toHaveLength(2);
    expect(screen.queryByTestId('error-note')).toBeNull();
  });

  it('a decision being prepared belongs to its item: moving on drops it', async () => {
    const { user } = await openQueue(10);
    await user.keyboard('3');
    expect(screen.getByTestId('action-bar').dataset.action).toBe('restrict');
    await user.keyboard('j');
    await waitFor(() => expect(screen.getByTestId('action-bar').dataset.action).toBe(''));
  });

  it("a reviewer's suspend is refused by main, in words, and nothing is decided", async () => {
    const { services, detail, user } = await openQueue(10, 'reviewer');
    const first = detail.dataset.flagId;
    await user.keyboard('4{Enter}');
    const error = await screen.findByTestId('error-note');
    expect(error.dataset.say).toBe('reviewerCannotSuspend');
    expect(error.textContent).toBe('审核员不能封禁账号，请上报组长。');
    expect(detail.dataset.flagId).toBe(first);
    expect(decisions(services)).toEqual([]);
  });
});

describe('useSelection: x, Shift+X, and flags that stay selected', () => {
  it('x selects the row under the cursor and x again lets it go', async () => {
    const { user } = await openQueue(10);
    await user.keyboard('x');
    expect(selectedCount()).toBe(1);
    expect(checked(0)).toBe(true);
    await user.keyboard('x');
    expect(selectedCount()).toBe(0);
    expect(checked(0)).toBe(false);
  });

  it('Shift+X selects every row from the last one toggled to the cursor', async () => {
    const { user } = await openQueue(10);
    await user.keyboard('x');
    await user.keyboard('jjj');
    await waitFor(() => expect(row(3)!.getAttribute('aria-selected')).toBe('true'));
    await user.keyboard('{Shift>}X{/Shift}');
    expect(selectedCount()).toBe(4);
    expect([0, 1, 2, 3, 4].map(checked)).toEqual([true, true, true, true, false]);
    // The bulk dialog counts exactly those flags.
    await user.click(screen.getByTestId('bulk-selection'));
    await waitFor(() => expect(screen.getByTestId('bulk-dialog').dataset.flags).toBe('4'));
  });

  it('x j j Shift+X typed faster than the page renders selects the three rows from the anchor to the cursor', async () => {
    const { user } = await openQueue(10);
    await user.keyboard('x');
    // Keys straight onto the window, outside act(): every handler runs before React renders again, as when an
    // operator types quickly in the real app. Each key must see where the one before it left the cursor.
    const press = (key: string, shiftKey = false) =>
      window.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true }));
    press('j');
    press('j');
    press('X', true);
    await waitFor(() => expect(selectedCount()).toBe(3));
    expect([0, 1, 2, 3].map(checked)).toEqual([true, true, true, false]);
    expect(row(2)!.getAttribute('aria-selected')).toBe('true');
  });

  it('shift-click on a checkbox selects the range from the last toggled row to that row', async () => {
    const { user } = await openQueue(10);
    await user.click(screen.getAllByTestId('queue-row-check')[1]!);
    await user.keyboard('{Shift>}');
    await user.click(row(4)!.querySelector<HTMLInputElement>('[data-testid="queue-row-check"]')!);
    await user.keyboard('{/Shift}');
    expect(selectedCount()).toBe(4);
    expect([0, 1, 2, 3, 4, 5].map(checked)).toEqual([false, true, true, true, true, false]);
  });

  it('a selection is flags, not rows: it survives paging through the queue and the queue being fetched again', async () => {
    const { detail, user } = await openQueue(450);
    await user.keyboard('x');
    await user.keyboard('j{Shift>}X{/Shift}');
    const picked = [flagAt(0), flagAt(1)];
    expect(selectedCount()).toBe(2);
    // Far down the queue: another page is fetched and shown, the two selected flags are out of sight.
    scrollTo(420);
    await waitFor(() => expect(row(425)).not.toBeNull());
    expect(row(0)).toBeNull();
    scrollTo(0);
    await waitFor(() => expect(row(0)).not.toBeNull());
    expect([flagAt(0), flagAt(1)]).toEqual(picked);
    expect([checked(0), checked(1)]).toEqual([true, true]);
    expect(selectedCount()).toBe(2);
    // Deciding the item after them fetches the queue again; the selected flags are still the selected ones.
    await user.keyboard('j');
    await waitFor(() => expect(Number(detail.dataset.flagId)).toBe(flagAt(2)));
    await user.keyboard('1{Enter}');
    await waitFor(() => expect(screen.getByTestId('queue-tab-resolved').dataset.count).toBe('1'));
    await waitFor(() => expect(screen.getByTestId('page-moderation').dataset.state).toBe('ready'));
    expect(selectedCount()).toBe(2);
    expect([flagAt(0), flagAt(1)]).toEqual(picked);
    expect([checked(0), checked(1), checked(2)]).toEqual([true, true, false]);
  });

  it('another queue or filter starts a new selection', async () => {
    const { user } = await openQueue(10);
    await user.keyboard('x');
    expect(selectedCount()).toBe(1);
    await user.click(screen.getByTestId('queue-tab-held'));
    expect(selectedCount()).toBe(0);
  });
});
