import { useQuery } from '@tanstack/react-query';
import type { RuleSetVersionView } from '../../../../shared/contract';
import { ADULT_AGE, loosenedLimits } from '../../../../shared/domain/ruleset';
import { useAction } from '../../api/useAction';
import { ErrorNote, sayOf } from '../../components/ErrorNote';
import { useI18n } from '../../i18n/I18nProvider';
import { whatIfQuery } from './useWhatIf';
import { Dialog } from '../../components/Dialog';

/**
 * Activating a version changes tomorrow's introductions for everyone: the lead sees what it would change on the
 * preview date (the same what-if the panel shows, against the version in force) and confirms — or sees that no date
 * is loaded to measure it on. Escape or Cancel leaves everything as it was.
 */
export function ActivateDialog({ version, onClose }: { version: RuleSetVersionView; onClose(): void }) {
  const { t, fmt } = useI18n();
  const impact = useQuery(whatIfQuery(version.ruleSet));
  const activate = useAction('rulesets.activate');
  const r = impact.data ?? null;
  // No date is loaded for the what-if: the dialog says so instead of an error (any other error is shown as one).
  const notOpen = impact.error ? sayOf(impact.error)?.id === 'tuningNotOpen' : false;
  const loosened = loosenedLimits(version.ruleSet);
  return (
    <Dialog
      titleId="activate-title"
      testId="activate-dialog"
      onClose={onClose}
      data-state={r ? 'ready' : notOpen ? 'no-impact' : impact.error ? 'failed' : 'loading'}
      data-changed-users={r?.changedUsers ?? ''}
      onSubmit={() => {
        void activate.run({ version: version.version }).then((done) => done && onClose());
      }}
    >
      <h2 id="activate-title">{t('rules.activate.title', { version: version.version })}</h2>
      {r && (
        <p data-testid="activate-impact">
          {t('rules.activate.impact', {
            changed: r.changedUsers,
            gained: fmt.integer(r.gainedUsers),
            lost: fmt.integer(r.lostUsers),
          })}
        </p>
      )}
      {!r && !impact.error && <p className="muted">{t('rules.activate.checking')}</p>}
      {!r && notOpen && (
        <p className="muted" data-testid="activate-no-impact">
          {t('rules.activate.noImpact')}
        </p>
      )}
      {loosened.length > 0 && (
        <p className="warn-note" data-testid="activate-loosens">
          {t('rules.versions.loosens')} — {t('rules.protected.help', { age: ADULT_AGE })}
        </p>
      )}
      {impact.error && !notOpen && <ErrorNote error={impact.error} />}
      {activate.error && <ErrorNote error={activate.error} />}
      <div className="row dialog-buttons">
        <button type="button" onClick={onClose} data-testid="activate-cancel">
          {t('rules.activate.cancel')}
        </button>
        <button type="submit" className="primary" disabled={activate.busy} autoFocus data-testid="activate-confirm">
          {t('rules.activate.confirm')}
        </button>
      </div>
    </Dialog>
  );
}
