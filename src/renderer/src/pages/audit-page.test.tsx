import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { signedIn } from '../../../main/testing/operators';
import { tempServices } from '../../../main/testing/temp';
import { translate } from '../i18n/catalogue';
import { renderPage } from '../testing/render';
import { AuditPage } from './AuditPage';

describe('the audit page', () => {
  it('names each action in the operator’s language with its code beside it, and an older version’s action by its code', async () => {
    const services = tempServices();
    const caller = await signedIn(services, 'lead', '王芳');
    const append = services.db.prepare(
      `INSERT INTO audit_log (at, operator, action, subject, details) VALUES (?, '王芳', ?, '3', '{}')`,
    );
    append.run(new Date().toISOString(), 'ruleset.activate');
    // An action this version no longer writes, as a mirror kept from an older one may hold.
    append.run(new Date().toISOString(), 'tuning.legacyThing');
    renderPage(<AuditPage />, caller);

    const rows = await screen.findByTestId('audit-rows');
    const activate = await waitFor(() => rows.querySelector<HTMLElement>('[data-action="ruleset.activate"]')!);
    expect(activate.textContent).toContain(translate('zh-CN', 'audit.actionName.ruleset.activate'));
    expect(activate.textContent).toContain('ruleset.activate');
    const legacy = rows.querySelector<HTMLElement>('[data-action="tuning.legacyThing"]')!;
    expect(within(legacy).getByText('tuning.legacyThing')).toBeTruthy();
    expect(legacy.textContent).not.toContain(translate('zh-CN', 'words.unknown'));

    const options = [...screen.getByTestId<HTMLSelectElement>('audit-filter-action').options].map((o) => o.text);
    expect(options).toContain(`${translate('zh-CN', 'audit.actionName.ruleset.activate')} (ruleset.activate)`);
    expect(options).toContain('tuning.legacyThing');
  });
});
