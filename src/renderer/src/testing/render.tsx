import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { CallName, EncounterBridge } from '../../../shared/contract';
import { type Caller, inProcessBridge } from '../../../main/testing/in-process-bridge';
import { SignedInContext } from '../session/signed-in';
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
 * Renders a page of the console as the app does (messages, the query cache, main's job reports, who is signed in),
 * talking to the real handlers as the signed-in `caller` (testing/operators.ts: signedIn) — a real SQLite file,
 * nothing mocked.
 */
export function renderPage(ui: ReactElement, caller: Caller): RenderResult {
  target = inProcessBridge(caller);
  const session = caller.services.sessions.check(caller.token, Math.floor(Date.now() / 1000));
  if (!session) throw new Error('renderPage: the caller is not signed in (testing/operators.ts: signedIn)');
  return render(
    <I18nProvider>
      <DataProvider>
        <SignedInContext.Provider value={{ name: session.name, role: session.role }}>{ui}</SignedInContext.Provider>
      </DataProvider>
    </I18nProvider>,
  );
}

export { callMain } from '../../../main/testing/in-process-bridge';
