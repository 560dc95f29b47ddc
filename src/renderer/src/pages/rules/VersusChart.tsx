import { memo, useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { Versus } from '../../../../shared/contract';

export interface VersusChartProps {
  testId: string;
  title: string;
  rows: readonly Versus[];
  /** Legend names of the two series. */
  draftName: string;
  activeName: string;
  label?(key: string): string;
  width?: number;
  height?: number;
  /** Delay (ms) before new rows are drawn: charts of one answer redraw in separate tasks, never in one long one. */
  stagger?: number;
}

// Theme colours (styles.css): the charts follow the light or dark theme.
const DRAFT_COLOR = 'var(--accent)';
const ACTIVE_COLOR = 'var(--chart-2)';

/**
 * Draft beside active as grouped bars. Fixed size and no animation: the chart redraws on every what-if answer
 * while the operator drags, and an animation would only lag behind the numbers. The values are also on the
 * element (data-draft / data-active) so tests read what is drawn without parsing SVG.
 */
export const VersusChart = memo(function VersusChart({
  testId,
  title,
  rows: latest,
  draftName,
  activeName,
  label,
  width = 470,
  height = 220,
  stagger = 0,
}: VersusChartProps) {
  const [rows, setRows] = useState(latest);
  useEffect(() => {
    if (rows === latest) return;
    const timer = setTimeout(() => setRows(latest), stagger);
    return () => clearTimeout(timer);
  }, [latest, rows, stagger]);
  // The drawn chart is one memoised element: re-rendering the figure for new props (before the staggered update
  // lands) must not redraw the SVG with the old rows.
  const chart = useMemo(() => {
    const data = rows.map((r) => ({ name: label ? label(r.key) : r.key, draft: r.draft, active: r.active }));
    const crowded = rows.length > 10;
    return (
      <BarChart width={width} height={height} data={data} margin={{ top: 4, right: 8, bottom: 4, left: 0 }} barGap={1}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--line)" />
        <XAxis
          dataKey="name"
          tick={{ fontSize: 11 }}
          interval={0}
          height={crowded ? 36 : 22}
          angle={crowded ? -30 : 0}
          textAnchor={crowded ? 'end' : 'middle'}
        />
        <YAxis tick={{ fontSize: 11 }} width={44} allowDecimals={false} />
        <Tooltip isAnimationActive={false} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="draft" name={draftName} fill={DRAFT_COLOR} isAnimationActive={false} />
        <Bar dataKey="active" name={activeName} fill={ACTIVE_COLOR} isAnimationActive={false} />
      </BarChart>
    );
  }, [rows, label, width, height, draftName, activeName]);
  return (
    <figure
      className="chart"
      data-testid={testId}
      data-draft={JSON.stringify(rows.map((r) => r.draft))}
      data-active={JSON.stringify(rows.map((r) => r.active))}
      // Contained: a slider step re-lays out the editor, never the SVG of the charts.
      style={{ margin: 0, contain: 'layout paint', width, minHeight: height + 24 }}
    >
      <figcaption className="small" style={{ fontWeight: 600, marginBottom: 4 }}>
        {title}
      </figcaption>
      {chart}
    </figure>
  );
});
