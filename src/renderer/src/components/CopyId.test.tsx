import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { translate } from '../i18n/catalogue';
import { I18nProvider } from '../i18n/I18nProvider';
import { CopyId } from './CopyId';

// The clipboard is the browser's, outside the console: these stand in for what a browser grants or refuses.
afterEach(() => vi.unstubAllGlobals());

const show = () =>
  render(
    <I18nProvider>
      <CopyId id="u_8f3a-full-id" testId="acct" />
    </I18nProvider>,
  );

describe('CopyId: the full id, copied by the clipboard API or by the older selection copy', () => {
  it('copies with the clipboard API and says so', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    show();
    await userEvent.click(screen.getByTestId('acct-copy'));
    await waitFor(() => expect(screen.getByTestId('acct-copy').dataset.state).toBe('copied'));
    expect(writeText).toHaveBeenCalledWith('u_8f3a-full-id');
  });

  it('falls back to copying a selected field when the clipboard API refuses', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: () => Promise.reject(new Error('denied')) } });
    const copied: string[] = [];
    const execCommand = vi.fn(() => {
      // What the browser would copy: the focused field's selected text.
      const field = document.activeElement as HTMLTextAreaElement;
      copied.push(field.value.slice(field.selectionStart, field.selectionEnd));
      return true;
    });
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    show();
    await userEvent.click(screen.getByTestId('acct-copy'));
    await waitFor(() => expect(screen.getByTestId('acct-copy').dataset.state).toBe('copied'));
    expect(copied).toEqual(['u_8f3a-full-id']);
    // The off-screen field is gone again.
    expect(document.querySelectorAll('textarea')).toHaveLength(0);
    Reflect.deleteProperty(document, 'execCommand');
  });

  it('when both are refused, says so in words and leaves the id on screen to select by hand', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    Object.defineProperty(document, 'execCommand', { value: () => false, configurable: true });
    show();
    await userEvent.click(screen.getByTestId('acct-copy'));
    await waitFor(() => expect(screen.getByTestId('acct-copy').dataset.state).toBe('failed'));
    expect(screen.getByTestId('acct-status').textContent).toBe(translate('zh-CN', 'words.copyFailed'));
    expect(screen.getByTestId('acct').textContent).toContain('u_8f3a-full-id');
    Reflect.deleteProperty(document, 'execCommand');
  });
});
