import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { CallName, EncounterBridge } from '../../../shared/contract';
import { type AppServices, inProcessBridge } from '../../../main/testing/in-process-bridge';
import { DataProvider } from '../api/DataProvider';
import { I18nProvider } from '../i18n/I18nProvider';

/**
 * The renderer's client picks its bridge once per test file (window.encounter, as in the desktop window): this one
 * forwards to the services of the test that is running.
 */
let target: EncounterBridge | null = null;
const forwarding: EncounterBridge = {
  calls: new Proxy({} as EncounterBridge['calls'], {
    get: (_, name: CallName) => (input: never) => {
      if (!target) throw new Error('renderPage first: no services to call');
      return (target.calls[name] as (input: never) => unknown)(input);
    },
  }),
  on: (event, listener) => {
    if (!target) throw new Error('renderPage first: no services to listen to');
    return target.on(event, listener);
  },
};
window.encounter = forwarding;

/**
 * Renders a page of the console as the app does (messages, the query cache, main's job reports), talking to the
 * real handlers over `services` — a real SQLite file, nothing mocked.
 */
export function renderPage(ui: ReactElement, services: AppServices): RenderResult {
  target = inProcessBridge(services);
  return render(
    <I18nProvider>
      <DataProvider>{ui}</DataProvider>
    </I18nProvider>,
  );
}

export { callMain } from '../../../main/testing/in-process-bridge';
