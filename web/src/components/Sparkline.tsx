/** A small line of counts (oldest first), with its numbers as the accessible text. */
export function Sparkline({ values, label }: { values: readonly number[]; label: string }) {
  const width = 96;
  const height = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" />
      {values.length > 0 && (
        <circle
          cx={((values.length - 1) * step).toFixed(1)}
          cy={(height - 2 - ((values[values.length - 1] ?? 0) / max) * (height - 4)).toFixed(1)}
          r="2"
          fill="currentColor"
        />
      )}
    </svg>
  );
}
