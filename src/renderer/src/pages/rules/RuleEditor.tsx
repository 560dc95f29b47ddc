import { memo } from 'react';
import { ADULT_AGE, FEATURE_NAMES, type FeatureName, type RuleSet } from '../../../../shared/domain/ruleset';
import type { MessageKey } from '../../i18n/catalogue';
import { useI18n } from '../../i18n/I18nProvider';

interface SliderProps {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  changed: boolean;
  onChange(value: number): void;
}

/**
 * A slider and a number field bound to one value. Both are native inputs, so the keyboard works as operators
 * expect (arrows, PageUp/PageDown, Home/End on the slider; typing in the field). Out-of-range typing is clamped.
 */
function SliderField({ id, label, value, min, max, step, changed, onChange }: SliderProps) {
  const set = (raw: string): void => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) return;
    onChange(Math.min(max, Math.max(min, n)));
  };
  return (
    <div
      className="slider-field"
      data-changed={changed}
      style={{ display: 'grid', gridTemplateColumns: '170px 1fr 72px', gap: 8, alignItems: 'center' }}
    >
      <label htmlFor={`${id}-range`} style={{ fontWeight: changed ? 600 : 400 }}>
        {label}
        {changed ? ' •' : ''}
      </label>
      <input
        id={`${id}-range`}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => set(e.target.value)}
        data-testid={id}
      />
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => set(e.target.value)}
        aria-label={label}
        data-testid={`${id}-number`}
        style={{ width: 72 }}
      />
    </div>
  );
}

export interface RuleEditorProps {
  draft: RuleSet;
  active: RuleSet;
  /** The detector version's recommended hold threshold (from the what-if; null until it answered). */
  recommendedHold: number | null;
  onChange(next: RuleSet): void;
}

export const RuleEditor = memo(function RuleEditor({ draft, active, recommendedHold, onChange }: RuleEditorProps) {
  const { t, fmt } = useI18n();
  const ownHold = draft.holdThreshold !== undefined;
  const weight = (name: FeatureName) => (v: number) => onChange({ ...draft, weights: { ...draft.weights, [name]: v } });
  const rule =
    <K extends 'windowDays' | 'topK' | 'minSharedPlaces' | 'minScore'>(name: K) =>
    (v: number) =>
      onChange({ ...draft, [name]: v });
  return (
    <div className="cols-2" data-testid="rule-editor">
      <fieldset style={{ border: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 6 }}>
        <legend style={{ fontWeight: 600, marginBottom: 6 }}>{t('rules.weights')}</legend>
        {FEATURE_NAMES.map((name) => (
          <SliderField
            key={name}
            id={`weight-${name}`}
            label={t(`rules.weight.${name}` as MessageKey)}
            value={draft.weights[name]}
            min={0}
            max={100}
            step={0.5}
            changed={draft.weights[name] !== active.weights[name]}
            onChange={weight(name)}
          />
        ))}
      </fieldset>
      <fieldset style={{ border: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 6 }}>
        <legend style={{ fontWeight: 600, marginBottom: 6 }}>{t('rules.rules')}</legend>
        <SliderField
          id="rule-windowDays"
          label={t('rules.rule.windowDays')}
          value={draft.windowDays}
          min={1}
          max={90}
          step={1}
          changed={draft.windowDays !== active.windowDays}
          onChange={rule('windowDays')}
        />
        <SliderField
          id="rule-topK"
          label={t('rules.rule.topK')}
          value={draft.topK}
          min={1}
          max={500}
          step={1}
          changed={draft.topK !== active.topK}
          onChange={rule('topK')}
        />
        <SliderField
          id="rule-minSharedPlaces"
          label={t('rules.rule.minSharedPlaces')}
          value={draft.minSharedPlaces}
          min={1}
          max={100}
          step={1}
          changed={draft.minSharedPlaces !== active.minSharedPlaces}
          onChange={rule('minSharedPlaces')}
        />
        <SliderField
          id="rule-minScore"
          label={t('rules.rule.minScore')}
          value={draft.minScore}
          min={0}
          max={100}
          step={0.5}
          changed={draft.minScore !== active.minScore}
          onChange={rule('minScore')}
        />
        <p className="small muted" data-testid="rules-protected-help">
          <span className="protected-badge">{t('rules.protected.badge')}</span>{' '}
          {t('rules.protected.help', { age: ADULT_AGE })}
        </p>
        <SliderField
          id="rule-ageMin"
          label={`${t('rules.rule.ageMin')} · ${t('rules.protected.badge')}`}
          value={draft.ageRange.min}
          min={16}
          max={120}
          step={1}
          changed={draft.ageRange.min !== active.ageRange.min}
          onChange={(v) => onChange({ ...draft, ageRange: { min: v, max: Math.max(v, draft.ageRange.max) } })}
        />
        <SliderField
          id="rule-ageMax"
          label={t('rules.rule.ageMax')}
          value={draft.ageRange.max}
          min={16}
          max={120}
          step={1}
          changed={draft.ageRange.max !== active.ageRange.max}
          onChange={(v) => onChange({ ...draft, ageRange: { min: Math.min(v, draft.ageRange.min), max: v } })}
        />
        <label className="inline" style={{ fontWeight: draft.requireRealName !== active.requireRealName ? 600 : 400 }}>
          <input
            type="checkbox"
            checked={draft.requireRealName}
            onChange={(e) => onChange({ ...draft, requireRealName: e.target.checked })}
            data-testid="rule-requireRealName"
          />
          {t('rules.rule.requireRealName')}
          <span className="protected-badge">{t('rules.protected.badge')}</span>
        </label>
        <label className="inline" style={{ fontWeight: draft.holdThreshold !== active.holdThreshold ? 600 : 400 }}>
          <input
            type="checkbox"
            checked={!ownHold}
            onChange={(e) => {
              const { holdThreshold: _drop, ...rest } = draft;
              onChange(e.target.checked ? rest : { ...rest, holdThreshold: recommendedHold ?? 0.9 });
            }}
            data-testid="rule-holdThreshold-default"
          />
          {recommendedHold === null
            ? t('rules.rule.holdDefault')
            : t('rules.rule.holdDefaultValue', { t: fmt.decimal(recommendedHold) })}
        </label>
        {ownHold && (
          <SliderField
            id="rule-holdThreshold"
            label={t('rules.rule.holdThreshold')}
            value={draft.holdThreshold!}
            min={0.5}
            max={1}
            step={0.01}
            changed={draft.holdThreshold !== active.holdThreshold}
            onChange={(v) => onChange({ ...draft, holdThreshold: v })}
          />
        )}
      </fieldset>
    </div>
  );
});
