import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { buildPrivacyFixture } from '../../../../main/testing/privacy-mirror';
import { signedIn } from '../../../../main/testing/operators';
import { tempServices } from '../../../../main/testing/temp';
import { renderPage } from '../../testing/render';
import { PreviewPage } from '../PreviewPage';

describe('the preview list', () => {
  it('opens with Enter the row that has focus, however the focus came there (not the row the arrows last stood on)', async () => {
    const services = tempServices();
    buildPrivacyFixture(services.db, { seed: 43 });
    const reviewer = await signedIn(services, 'reviewer');
    const user = userEvent.setup();
    renderPage(<PreviewPage />, reviewer);
    const page = await screen.findByTestId('page-preview');
    await waitFor(() => expect(page.dataset.state).toBe('ready'));
    const rows = await screen.findAllByTestId('preview-introduction');
    expect(rows.length).toBeGreaterThan(3);

    // Focus put on a row from outside the keyboard handler: a script, a search result, assistive technology.
    act(() => rows[3]!.focus());
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rows[3]!.dataset.selected).toBe('true'));
    expect(rows.filter((r) => r.dataset.selected === 'true')).toHaveLength(1);

    // The cards took the focus; Escape gives it back to that row, and the arrows go on from there.
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(rows[3]);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(rows[4]);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rows[4]!.dataset.selected).toBe('true'));
  });
});
