import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatCompact, formatCount } from '../lib/format.js';
import { cssVar, useColorScheme } from '../lib/theme.js';
import { formatShort, fromSeconds, type Seconds } from '../lib/time.js';

export interface ChartSeries {
  label: string;
  /** A CSS custom property holding the colour, e.g. `--series-1`. */
  color: string;
  values: number[];
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const hourFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const tickTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const tickDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/** Axis labels in the browser's language: the date at midnight (and for days), else the time. */
const tickLabel = (unit: 'hour' | 'day') => (seconds: number) => {
  const date = fromSeconds(seconds);
  return unit === 'day' || (date.getHours() === 0 && date.getMinutes() === 0)
    ? tickDay.format(date)
    : tickTime.format(date);
};

/**
 * Stacked bars over time (uPlot on a canvas), one series per key, with an HTML legend, a
 * readout of the bucket under the pointer, and the same numbers as a table for screen readers
 * and keyboard users. Series are drawn as cumulative sums from the top down, so each band
 * shows its own part.
 */
export function TimeChart(props: {
  id: string;
  x: Seconds[];
  series: ChartSeries[];
  unit: 'hour' | 'day';
  label: string;
  height?: number;
}) {
  const { x, series, unit } = props;
  const holder = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();
  const [hover, setHover] = useState<number | null>(null);
  const step = unit === 'hour' ? 3600 : 86_400;
  const formatBucket = (t: Seconds) => (unit === 'hour' ? hourFormat : dayFormat).format(fromSeconds(t));

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const text = cssVar('--muted');
    const grid = cssVar('--grid');
    const cumulative: number[][] = [];
    series.forEach((s, i) => {
      const below = cumulative[i - 1];
      cumulative.push(s.values.map((v, j) => v + (below ? (below[j] ?? 0) : 0)));
    });
    // Topmost cumulative first: each lower band paints over the one above it.
    const order = series.map((_, i) => i).reverse();
    const bars = uPlot.paths.bars?.({ size: [0.8, 48], gap: 1 });
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: props.height ?? 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
      scales: {
        x: {
          time: true,
          range: () => [(x[0] ?? 0) - step / 2, (x[x.length - 1] ?? 0) + step / 2],
        },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          values: (_u, splits) => splits.map(tickLabel(unit)),
        },
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { show: false },
          size: 48,
          values: (_u, values) => values.map((v) => (Number.isInteger(v) ? formatCompact(v) : '')),
        },
      ],
      series: [
        {},
        ...order.map((i) => {
          const color = cssVar((series[i] as ChartSeries).color);
          return {
            label: (series[i] as ChartSeries).label,
            stroke: color,
            fill: color,
            width: 0,
            points: { show: false },
            ...(bars ? { paths: bars } : {}),
          };
        }),
      ],
      hooks: {
        setCursor: [(u) => setHover(u.cursor.idx ?? null)],
      },
    };
    const data: uPlot.AlignedData = [x, ...order.map((i) => cumulative[i] as number[])];
    const plot = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, element.clientWidth);
      if (width !== plot.width) plot.setSize({ width, height: plot.height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [x, series, scheme]);

  const totals = x.map((_, j) => series.reduce((sum, s) => sum + (s.values[j] ?? 0), 0));
  const shown = hover ?? null;
  return (
    <figure class="chart" aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`} class="visually-hidden">
        {props.label}
      </figcaption>
      <ul class="legend" aria-label="Legend">
        {series.map((s) => (
          <li key={s.label}>
            <span class="swatch" style={{ background: `var(${s.color})` }} aria-hidden="true" />
            {s.label}
            {shown !== null && <strong> {formatCount(s.values[shown] ?? 0)}</strong>}
          </li>
        ))}
        <li class="legend-when" aria-live="off">
          {shown !== null ? (
            <>
              {formatBucket(x[shown] ?? 0)} · {formatCount(totals[shown] ?? 0)} in all
            </>
          ) : (
            <>{formatCount(totals.reduce((a, b) => a + b, 0))} in all</>
          )}
        </li>
      </ul>
      <div ref={holder} class="chart-canvas" aria-hidden="true" />
      <details class="chart-table">
        <summary>Show as a table</summary>
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{props.label}</caption>
            <thead>
              <tr>
                <th scope="col">{unit === 'hour' ? 'Hour' : 'Day'}</th>
                {series.map((s) => (
                  <th scope="col" key={s.label} class="num">
                    {s.label}
                  </th>
                ))}
                <th scope="col" class="num">
                  All
                </th>
              </tr>
            </thead>
            <tbody>
              {x.map((t, j) => (
                <tr key={t}>
                  <th scope="row" title={formatShort(t)}>
                    {formatBucket(t)}
                  </th>
                  {series.map((s) => (
                    <td key={s.label} class="num">
                      {formatCount(s.values[j] ?? 0)}
                    </td>
                  ))}
                  <td class="num">{formatCount(totals[j] ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
