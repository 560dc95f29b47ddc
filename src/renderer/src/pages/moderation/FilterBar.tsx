import { type RefObject, useState } from 'react';
import type { QueueFilter, QueueSort, SavedView } from '../../../../shared/contract';
import { FLAG_REASONS } from '../../../../shared/domain/detection';
import { useAction } from '../../api/useAction';
import { ErrorNote } from '../../components/ErrorNote';
import { useI18n } from '../../i18n/I18nProvider';
import type { QueueQuery } from './useQueue';
import { flagReasonKey } from './words';

export interface FilterBarProps {
  query: QueueQuery;
  onQuery(next: QueueQuery): void;
  views: readonly SavedView[];
  viewId: number | null;
  onView(view: SavedView | null): void;
  searchRef: RefObject<HTMLInputElement | null>;
}

/** Drops empty fields, so "no filter" and a cleared field mean the same query. */
function withField<K extends keyof QueueFilter>(
  filter: QueueFilter,
  key: K,
  value: QueueFilter[K] | undefined,
): QueueFilter {
  const next = { ...filter };
  if (value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value))) delete next[key];
  else next[key] = value;
  return next;
}

export function FilterBar({ query, onQuery, views, viewId, onView, searchRef }: FilterBarProps) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const create = useAction('moderation.createView');
  const remove = useAction('moderation.deleteView');
  const f = query.filter;
  const set = <K extends keyof QueueFilter>(key: K, value: QueueFilter[K] | undefined) =>
    onQuery({ ...query, filter: withField(f, key, value) });
  return (
    <div className="mod-filters" data-testid="filter-bar">
      <div className="row">
        <label className="inline">
          {t('moderation.filter.detector')}
          <select
            value={f.detector ?? ''}
            onChange={(e) => set('detector', (e.target.value || undefined) as QueueFilter['detector'])}
            data-testid="filter-detector"
          >
            <option value="">{t('common.all')}</option>
            <option value="micro_seller">{t('moderation.detector.micro_seller')}</option>
            <option value="spammer">{t('moderation.detector.spammer')}</option>
          </select>
        </label>
        <label className="inline">
          {t('moderation.filter.reason')}
          <select
            value={f.reason ?? ''}
            onChange={(e) => set('reason', (e.target.value || undefined) as QueueFilter['reason'])}
            data-testid="filter-reason"
          >
            <option value="">{t('common.all')}</option>
            {FLAG_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(flagReasonKey(r)!)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('moderation.filter.minScore')}
          <input
            type="number"
            min={0}
            max={1}
            step={0.05}
            className="narrow"
            value={f.minScore ?? ''}
            onChange={(e) => set('minScore', e.target.value === '' ? undefined : Number(e.target.value))}
            data-testid="filter-min-score"
          />
        </label>
        <label className="inline">
          {t('moderation.filter.maxAgeDays')}
          <input
            type="number"
            min={1}
            step={1}
            className="narrow"
            value={f.maxAgeDays ?? ''}
            onChange={(e) =>
              set('maxAgeDays', e.target.value === '' ? undefined : Math.max(1, Math.round(Number(e.target.value))))
            }
            data-testid="filter-max-age"
          />
        </label>
        <input
          ref={searchRef}
          className="mod-search"
          value={f.district ?? ''}
          placeholder={t('moderation.filter.search')}
          aria-label={t('moderation.filter.district')}
          onChange={(e) => set('district', e.target.value.trim() || undefined)}
          data-testid="filter-district"
        />
        {f.account && (
          <button
            type="button"
            className="mod-badge"
            data-testid="filter-account"
            title={t('moderation.filter.accountClear')}
            onClick={() => set('account', undefined)}
          >
            {t('moderation.filter.account', { id: f.account })} ×
          </button>
        )}
        <label className="inline">
          {t('moderation.filter.sort')}
          <select
            value={query.sort}
            onChange={(e) => onQuery({ ...query, sort: e.target.value as QueueSort })}
            data-testid="filter-sort"
          >
            <option value="priority">{t('moderation.sort.priority')}</option>
            <option value="score">{t('moderation.sort.score')}</option>
            <option value="age">{t('moderation.sort.age')}</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => onQuery({ ...query, filter: {} })}
          disabled={Object.keys(f).length === 0}
          data-testid="filter-clear"
        >
          {t('moderation.filter.clear')}
        </button>
      </div>
      <div className="row">
        <label className="inline">
          {t('moderation.views.pick')}
          <select
            value={viewId ?? ''}
            onChange={(e) => onView(views.find((v) => v.id === Number(e.target.value)) ?? null)}
            data-testid="view-pick"
          >
            <option value="">{t('moderation.views.none')}</option>
            {views.map((v) => (
              <option key={v.id} value={v.id}>
                {/* Names are unique per operator; two operators' views of one name are told apart by their owner. */}
                {views.some((o) => o.id !== v.id && o.name === v.name) ? `${v.name} · ${v.createdBy}` : v.name}
              </option>
            ))}
          </select>
        </label>
        {viewId !== null && (
          <button
            type="button"
            onClick={() => void remove.run({ id: viewId }).then((r) => r && onView(null))}
            data-testid="view-delete"
          >
            {t('moderation.views.delete')}
          </button>
        )}
        <input
          value={name}
          maxLength={60}
          placeholder={t('moderation.views.name')}
          aria-label={t('moderation.views.name')}
          onChange={(e) => setName(e.target.value)}
          data-testid="view-name"
        />
        <button
          type="button"
          disabled={name.trim() === '' || create.busy}
          onClick={() =>
            void create.run({ name, ...query }).then((v) => {
              if (!v) return;
              setName('');
              onView(v);
            })
          }
          data-testid="view-save"
        >
          {t('moderation.views.save')}
        </button>
        {(create.error ?? remove.error) && <ErrorNote error={(create.error ?? remove.error)!} />}
      </div>
    </div>
  );
}
