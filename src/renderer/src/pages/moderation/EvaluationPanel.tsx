import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { DETECTOR_NAMES, type DetectorName } from '../../../../shared/domain/detection';
import { useAction } from '../../api/useAction';
import { ErrorNote } from '../../components/ErrorNote';
import { codeText } from '../../i18n/codes';
import { useI18n } from '../../i18n/I18nProvider';

// Theme colours (styles.css), so the charts follow the light or dark theme.
const COLORS: Record<DetectorName, string> = { micro_seller: 'var(--accent)', spammer: 'var(--chart-3)' };

/** Detector quality against generated ground truth: P/R/F1 per class and the PR curve over thresholds. */
export function EvaluationPanel() {
  const { t, fmt } = useI18n();
  const [file, setFile] = useState('');
  const evaluate = useAction('moderation.evaluate');
  const [result, setResult] = useState<Awaited<ReturnType<typeof evaluate.run>>>(null);
  return (
    <div data-testid="evaluation" data-state={result ? 'ready' : 'idle'}>
      <p className="muted small">{t('moderation.eval.help')}</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void evaluate.run(file.trim() === '' ? {} : { labelsFile: file }).then((r) => r && setResult(r));
        }}
      >
        <input
          className="grow mono"
          value={file}
          onChange={(e) => setFile(e.target.value)}
          placeholder={t('moderation.eval.file')}
          aria-label={t('moderation.eval.file')}
          data-testid="eval-file"
        />
        <button type="submit" className="primary" disabled={evaluate.busy} data-testid="eval-run">
          {t('moderation.eval.run')}
        </button>
      </form>
      {evaluate.error && <ErrorNote error={evaluate.error} />}
      {result && (
        <p className="muted small" data-testid="eval-labels">
          {t('moderation.eval.using', { file: result.labelsFile })}
        </p>
      )}
      {result && (
        <div className="mod-eval">
          <table className="grid" data-testid="eval-table">
            <thead>
              <tr>
                <th scope="col">{t('moderation.eval.class')}</th>
                <th scope="col" className="num">
                  {t('moderation.eval.threshold')}
                </th>
                <th scope="col" className="num">
                  {t('moderation.eval.positives')}
                </th>
                <th scope="col" className="num">
                  {t('moderation.eval.flagged')}
                </th>
                <th scope="col" className="num">
                  {t('moderation.eval.precision')}
                </th>
                <th scope="col" className="num">
                  {t('moderation.eval.recall')}
                </th>
                <th scope="col" className="num">
                  {t('moderation.eval.f1')}
                </th>
              </tr>
            </thead>
            <tbody>
              {DETECTOR_NAMES.map((c) => {
                const m = result.classes[c];
                return (
                  <tr key={c} data-testid={`eval-${c}`} data-f1={m.f1} data-threshold={m.threshold}>
                    <th scope="row">{t(`moderation.detector.${c}`)}</th>
                    <td className="num" data-testid={`eval-threshold-${c}`}>
                      {fmt.decimal(m.threshold)}
                    </td>
                    <td className="num">{fmt.integer(m.positives)}</td>
                    <td className="num">{fmt.integer(m.flagged)}</td>
                    <td className="num">{fmt.percent(m.precision)}</td>
                    <td className="num">{fmt.percent(m.recall)}</td>
                    <td className="num">{fmt.decimal(m.f1)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="small" data-testid="eval-model">
            {t('moderation.eval.model', {
              version: result.detectorVersion,
              seeds: result.model.fittedOn.seeds.join(', '),
              users: fmt.integer(result.model.fittedOn.users),
              generator: result.model.fittedOn.generatorVersion,
            })}
          </p>
          <p className="small" data-testid="eval-hold" data-threshold={result.hold.threshold}>
            {t('moderation.eval.hold', {
              t: fmt.decimal(result.hold.threshold),
              n: fmt.integer(result.hold.held),
              p: fmt.percent(result.hold.precision),
              r: fmt.percent(result.hold.recall),
            })}
          </p>
          <p className="small" data-testid="eval-two-items" data-count={result.accountsInTwoItems}>
            {t('moderation.eval.twoItems', { n: fmt.integer(result.accountsInTwoItems) })}
          </p>
          {result.families.length > 0 && (
            <table className="grid" data-testid="eval-families">
              <caption className="small">{t('moderation.eval.families')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('moderation.eval.family')}</th>
                  <th scope="col" className="num">
                    {t('moderation.eval.accounts')}
                  </th>
                  <th scope="col" className="num">
                    {t('moderation.eval.flaggedAs')}
                  </th>
                  <th scope="col" className="num">
                    {t('moderation.eval.recall')}
                  </th>
                  <th scope="col" className="num">
                    {t('moderation.eval.fpr')}
                  </th>
                  <th scope="col" className="num">
                    {t('moderation.eval.held')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.families.map((f) => (
                  <tr key={f.family} data-testid={`eval-family-${f.family}`} data-kind={f.kind}>
                    <th scope="row">
                      {codeText(t, 'behaviourFamily', f.family)}{' '}
                      <span className="muted small">{codeText(t, 'familyKind', f.kind)}</span>
                    </th>
                    <td className="num">{fmt.integer(f.accounts)}</td>
                    <td className="num">
                      {fmt.integer(f.flaggedAs.micro_seller ?? 0)} / {fmt.integer(f.flaggedAs.spammer ?? 0)}
                    </td>
                    <td className="num">{f.recall === null ? '—' : fmt.percent(f.recall)}</td>
                    <td className="num">{f.falsePositiveRate === null ? '—' : fmt.percent(f.falsePositiveRate)}</td>
                    <td className="num">{fmt.integer(f.held)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <figure className="chart" data-testid="eval-curve">
            <figcaption className="small">{t('moderation.eval.curve')}</figcaption>
            <LineChart width={420} height={260} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                type="number"
                dataKey="recall"
                domain={[0, 1]}
                name={t('moderation.eval.recall')}
                tickFormatter={(v: number) => fmt.percent(v)}
              />
              <YAxis
                type="number"
                dataKey="precision"
                domain={[0, 1]}
                name={t('moderation.eval.precision')}
                tickFormatter={(v: number) => fmt.percent(v)}
              />
              <Tooltip formatter={(v) => fmt.percent(Number(v))} />
              <Legend />
              {DETECTOR_NAMES.map((c) => (
                <Line
                  key={c}
                  data={[...result.curves[c]].sort((a, b) => a.recall - b.recall)}
                  dataKey="precision"
                  name={t(`moderation.detector.${c}`)}
                  stroke={COLORS[c]}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </figure>
        </div>
      )}
    </div>
  );
}
