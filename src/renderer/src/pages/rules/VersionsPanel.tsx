import { forwardRef, memo, useState } from 'react';
import type { RuleSetVersionView } from '../../../../shared/contract';
import { DEFAULTS_IN_FORCE_BY, loosenedLimits, type RuleSet } from '../../../../shared/domain/ruleset';
import { ActivateDialog } from './ActivateDialog';
import { useAction } from '../../api/useAction';
import { useCallQuery } from '../../api/queries';
import { ErrorNote } from '../../components/ErrorNote';
import type { MessageKey } from '../../i18n/catalogue';
import { useI18n } from '../../i18n/I18nProvider';

/** "weights.sameDistrict" → the slider's label; rules likewise. */
function settingLabel(path: string, t: (k: MessageKey) => string): string {
  if (path.startsWith('weights.')) return t(`rules.weight.${path.slice(8)}` as MessageKey);
  if (path === 'ageRange.min') return t('rules.rule.ageMin');
  if (path === 'ageRange.max') return t('rules.rule.ageMax');
  return t(`rules.rule.${path}` as MessageKey);
}

function DiffView({ versions }: { versions: RuleSetVersionView[] }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]!.version);
  const [to, setTo] = useState(versions[0]!.version);
  const diff = useCallQuery('rulesets.diff', { from, to });
  const value = (v: number | boolean): string => (typeof v === 'boolean' ? (v ? '✓' : '✗') : String(v));
  return (
    <div data-testid="ruleset-diff" style={{ marginTop: 12 }}>
      <h2>{t('rules.diff.title')}</h2>
      <div className="row">
        <VersionSelect
          label={t('rules.diff.from')}
          value={from}
          versions={versions}
          onChange={setFrom}
          testId="diff-from"
        />
        <VersionSelect label={t('rules.diff.to')} value={to} versions={versions} onChange={setTo} testId="diff-to" />
      </div>
      {diff.error && <ErrorNote error={diff.error} />}
      {diff.data && diff.data.changes.length === 0 && <p className="muted small">{t('rules.diff.none')}</p>}
      {diff.data && diff.data.changes.length > 0 && (
        <table className="grid" data-testid="diff-table" style={{ marginTop: 8 }}>
          <thead>
            <tr>
              <th scope="col">{t('rules.diff.setting')}</th>
              <th scope="col" className="num">
                v{diff.data.from}
              </th>
              <th scope="col" className="num">
                v{diff.data.to}
              </th>
            </tr>
          </thead>
          <tbody>
            {diff.data.changes.map((c) => (
              <tr key={c.path} data-testid={`diff-${c.path}`} data-from={String(c.from)} data-to={String(c.to)}>
                <td>{settingLabel(c.path, t)}</td>
                <td className="num">{value(c.from)}</td>
                <td className="num">→ {value(c.to)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export interface VersionsPanelProps {
  /** Read at save time only, so dragging a slider does not re-render the versions and the diff. */
  getDraft(): RuleSet;
  /** The draft loosens a limit that protects users: saving it takes a lead and a reason (main checks both). */
  loosens: boolean;
  isLead: boolean;
  onLoad(ruleSet: RuleSet): void;
}

export const VersionsPanel = memo(
  forwardRef<HTMLInputElement, VersionsPanelProps>(function VersionsPanel(
    { getDraft, loosens, isLead, onLoad },
    noteRef,
  ) {
    const { t, fmt } = useI18n();
    // Saving, activating and rolling back refresh the list and the active rule set themselves (api/changes.ts).
    const list = useCallQuery('rulesets.list', {});
    const [note, setNote] = useState('');
    const [loosenReason, setLoosenReason] = useState('');
    const [confirming, setConfirming] = useState<RuleSetVersionView | null>(null);
    const [saved, setSaved] = useState<number | null>(null);
    const save = useAction('rulesets.save');
    const activate = useAction('rulesets.activate');
    const rollback = useAction('rulesets.rollback');
    const versions = list.data?.versions ?? [];
    return (
      <div className="card" data-testid="ruleset-versions" data-active-version={list.data?.activeVersion ?? ''}>
        <h2>{t('rules.save.title')}</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run({ ruleSet: getDraft(), note, ...(loosens ? { loosenReason } : {}) }).then((r) => {
              if (!r) return;
              setSaved(r.version);
              setNote('');
              setLoosenReason('');
            });
          }}
        >
          <label className="inline grow">
            {t('rules.save.note')}
            <input
              ref={noteRef}
              className="grow"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={500}
              required
              data-testid="save-note"
            />
          </label>
          {loosens && (
            <label className="inline grow">
              {t('rules.protected.reason')}
              <input
                className="grow"
                value={loosenReason}
                onChange={(e) => setLoosenReason(e.target.value)}
                maxLength={500}
                required
                disabled={!isLead}
                data-testid="save-loosen-reason"
              />
            </label>
          )}
          <button
            type="submit"
            className="primary"
            disabled={save.busy || note.trim() === '' || (loosens && (!isLead || loosenReason.trim() === ''))}
            data-testid="save-submit"
          >
            {t('rules.save.submit')}
          </button>
          {saved !== null && (
            <span className="small" data-testid="save-result" data-version={saved}>
              {t('rules.save.saved', { version: saved })}
            </span>
          )}
        </form>
        {loosens && !isLead && (
          <p className="warn-note small" data-testid="save-loosens-lead-only">
            {t('rules.protected.leadOnly')}
          </p>
        )}
        {save.error && <ErrorNote error={save.error} />}

        <div className="row" style={{ justifyContent: 'space-between', marginTop: 16 }}>
          <h2 style={{ margin: 0 }}>{t('rules.versions.title')}</h2>
          <button
            type="button"
            disabled={!isLead || rollback.busy || (list.data?.activations.length ?? 0) < 2}
            onClick={() => void rollback.run({})}
            data-testid="ruleset-rollback"
          >
            {t('rules.versions.rollback')}
          </button>
        </div>
        {!isLead && <p className="small muted">{t('rules.versions.leadOnly')}</p>}
        {(activate.error ?? rollback.error) && <ErrorNote error={(activate.error ?? rollback.error)!} />}
        {list.error && <ErrorNote error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && versions.length === 0 && <p className="muted">{t('rules.versions.none')}</p>}
        {versions.length > 0 && (
          <table className="grid" data-testid="versions-table" style={{ marginTop: 8 }}>
            <thead>
              <tr>
                <th scope="col">{t('rules.versions.version')}</th>
                <th scope="col">{t('rules.versions.author')}</th>
                <th scope="col">{t('rules.versions.created')}</th>
                <th scope="col">{t('rules.versions.note')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr
                  key={v.version}
                  data-testid={`version-${v.version}`}
                  data-active={v.active}
                  aria-selected={v.active}
                >
                  <td>
                    v{v.version}{' '}
                    {v.active && (
                      <span className="status" data-status="completed">
                        {t('rules.versions.isActive')}
                      </span>
                    )}
                    {v.createdBy === DEFAULTS_IN_FORCE_BY && (
                      <span className="small muted"> {t('rules.versions.defaults')}</span>
                    )}
                    {loosenedLimits(v.ruleSet).length > 0 && (
                      <span className="protected-badge" data-testid={`version-loosens-${v.version}`}>
                        {t('rules.versions.loosens')}
                      </span>
                    )}
                  </td>
                  {/* The defaults put in force at a start are the system's words, said in the operator's language. */}
                  <td>{v.createdBy === DEFAULTS_IN_FORCE_BY ? t('rules.versions.defaultsAuthor') : v.createdBy}</td>
                  <td>{fmt.dateTime(v.createdAt)}</td>
                  <td>{v.createdBy === DEFAULTS_IN_FORCE_BY ? t('rules.versions.defaultsNote') : v.note}</td>
                  <td className="row" style={{ justifyContent: 'flex-end' }}>
                    <button type="button" onClick={() => onLoad(v.ruleSet)} data-testid={`version-load-${v.version}`}>
                      {t('rules.versions.load')}
                    </button>
                    <button
                      type="button"
                      className="primary"
                      disabled={!isLead || v.active || activate.busy}
                      onClick={() => setConfirming(v)}
                      data-testid={`version-activate-${v.version}`}
                    >
                      {t('rules.versions.activate')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {versions.length > 0 && <DiffView key={versions.length} versions={versions} />}
        {confirming && <ActivateDialog version={confirming} onClose={() => setConfirming(null)} />}
      </div>
    );
  }),
);

function VersionSelect(props: {
  label: string;
  value: number;
  versions: readonly { version: number }[];
  onChange(version: number): void;
  testId: string;
}) {
  return (
    <label className="inline">
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(Number(e.target.value))} data-testid={props.testId}>
        {props.versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
}
