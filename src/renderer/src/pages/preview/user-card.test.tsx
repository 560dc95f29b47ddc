import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../../../main/testing/in-process-bridge';
import { buildPrivacyFixture, type PrivacyFixture } from '../../../../main/testing/privacy-mirror';
import { tempServices } from '../../../../main/testing/temp';
import type { CallOutput } from '../../../../shared/contract';
import { type Locale, locales, translate } from '../../i18n/catalogue';
import { callMain, renderPage } from '../../testing/render';
import { PreviewPage } from '../PreviewPage';
import { placeText, reasonText } from './words';

/**
 * What a user's card shows, checked where it is made — the view main sends and the words the renderer puts on it —
 * over every introduction of a mirror that also holds categories the catalogue has no words for: no internal id, no
 * count of hidden places, no code without words, in zh-CN and English; then the real page in happy-dom, the DOM of
 * the cards read before and after the game.
 */
const UNKNOWN = 'hardware_store';

function mirror(): { services: AppServices; fixture: PrivacyFixture; ids: string[] } {
  const services = tempServices();
  const fixture = buildPrivacyFixture(services.db, { seed: 41 });
  // Upstream's categories are open text: some the console has no words for.
  services.db
    .prepare(`UPDATE merchants SET category = ? WHERE id LIKE '%0' OR id LIKE '%4' OR id LIKE '%7'`)
    .run(UNKNOWN);
  const ids = services.db.prepare(`SELECT id FROM users`).pluck().all() as string[];
  return { services, fixture, ids };
}

/** The words a card can show, in one language: everything but the other's masked profile, which has no codes. */
function cardWords(
  locale: Locale,
  side: CallOutput<'preview.pair'>['sides'][number],
  card: CallOutput<'preview.guess'>['card'],
): string {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(locale, key, params);
  return [
    ...side.reasons.map((r) => reasonText(t, r)),
    ...side.places.map((p) => placeText(t, p)),
    ...(card?.choices.map((c) => placeText(t, c.label)) ?? []),
  ].join('\n');
}

const CARD_FIELDS = ['other', 'places', 'reasons', 'side', 'viewer'];
const PROFILE_FIELDS = ['ageBand', 'city', 'displayName', 'district', 'gender', 'verified'];

describe("a user's card", () => {
  it('carries no id, no count of hidden places and no code without words, in either language', async () => {
    const { services, fixture, ids } = mirror();
    let unknownSeen = 0;
    for (const [userA, userB] of fixture.pairs) {
      const pair = await callMain(services, 'preview.pair', { runId: fixture.runId, userA, userB });
      for (const side of pair.sides) {
        // The view itself: only the fields a card shows (no id, no withheld count), the ids only beside it.
        expect(Object.keys(side).sort()).toEqual(CARD_FIELDS);
        expect(Object.keys(side.viewer).sort()).toEqual(PROFILE_FIELDS);
        expect(Object.keys(side.other).sort()).toEqual(PROFILE_FIELDS);
        const json = JSON.stringify(side);
        for (const id of [userA, userB]) expect(json).not.toContain(id);
        const { card } = await callMain(services, 'preview.guess', {
          runId: fixture.runId,
          userA,
          userB,
          side: side.side,
        });
        if (JSON.stringify([side, card]).includes(UNKNOWN)) unknownSeen++;
        for (const locale of locales) {
          const text = cardWords(locale, side, card);
          expect(text, `${locale}: a code without words`).not.toMatch(/\b[a-z]+_[a-z_]+\b|\{\w+\}/);
          for (const id of ids) expect(text).not.toContain(id);
          if (locale === 'en') expect(text).not.toMatch(/、/);
        }
      }
    }
    // The unknown category did reach cards (as data), and never as text.
    expect(unknownSeen).toBeGreaterThan(0);
  });

  it('shows the same on the page: before the game no reasons, after it the answer and the reasons; never an id', async () => {
    const { services, fixture, ids } = mirror();
    const withCard = [];
    for (const [userA, userB] of fixture.pairs) {
      const { card } = await callMain(services, 'preview.guess', { runId: fixture.runId, userA, userB, side: 'a' });
      if (card) withCard.push({ userA, userB });
      if (withCard.length === 3) break;
    }
    expect(withCard.length).toBeGreaterThan(0);
    const user = userEvent.setup();
    renderPage(<PreviewPage />, services);
    const page = await screen.findByTestId('page-preview');
    await waitFor(() => expect(page.dataset.state).toBe('ready'));
    const cardText = (side: 'a' | 'b') => screen.getByTestId(`preview-card-${side}`).textContent ?? '';
    for (const { userA, userB } of withCard) {
      await user.clear(screen.getByTestId('preview-search'));
      await user.type(screen.getByTestId('preview-search'), `${userB}{Enter}`);
      const row = await waitFor(() => {
        const r = document.querySelector<HTMLElement>(`[data-user-a="${userA}"][data-user-b="${userB}"]`);
        expect(r).not.toBeNull();
        return r!;
      });
      await user.click(row);
      await waitFor(() => expect(screen.getByTestId('guess-card-a').dataset.state).toBe('open'));
      const before = cardText('a');
      expect(screen.queryAllByTestId('preview-reason-a')).toHaveLength(0);
      const choices = screen.getAllByTestId('guess-choice-a');
      expect(choices).toHaveLength(4);
      await user.click(choices[0]!);
      await waitFor(() => expect(screen.getByTestId('guess-card-a').dataset.state).toBe('answered'));
      const after = cardText('a');
      for (const text of [before, after, cardText('b')]) {
        for (const id of ids) expect(text).not.toContain(id);
        expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b|另有\s*\d+\s*个/);
      }
      // The ids are beside the card, marked for operators.
      const ops = screen.getByTestId('operators-only-a');
      expect(within(ops).getByTestId('ops-viewer-a').dataset.id).toBe(userA);
      expect(ops.textContent).toContain(translate('zh-CN', 'words.operatorsOnly'));
    }
  });
});
