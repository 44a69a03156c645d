/** Medians and spreads over benchmark rounds. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length };
}

/** Ratios of paired rounds (round i of a over round i of b). */
export function pairedRatios(a: readonly number[], b: readonly number[]): Spread {
  return spread(a.map((value, i) => value / (b[i] as number)));
}

const digits = (value: number) =>
  Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 0.1 || value === 0 ? 2 : 3;

export function num(value: number, fractionDigits = digits(value)): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

/** "1,234 (1,200–1,250)" */
export function fmt(s: Spread, fractionDigits?: number): string {
  if (s.n === 0) return 'n/a';
  const d = fractionDigits ?? digits(s.median);
  if (s.n === 1) return num(s.median, d);
  return `${num(s.median, d)} (${num(s.min, d)}–${num(s.max, d)})`;
}

export function ratioText(s: Spread): string {
  if (s.n === 0) return 'n/a';
  return s.n === 1 ? `${s.median.toFixed(2)}×` : `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}
