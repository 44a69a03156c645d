const integer = new Intl.NumberFormat();
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat(undefined, {
  style: 'percent',
  maximumFractionDigits: 0,
  signDisplay: 'exceptZero',
});

export const formatCount = (n: number): string => integer.format(n);
export const formatCompact = (n: number): string =>
  Math.abs(n) < 10_000 ? integer.format(n) : compactFormat.format(n);
export const formatPercent = (ratio: number): string => percentFormat.format(ratio);
export const formatChange = (ratio: number): string => signedPercent.format(ratio);

/** "12.3 s", "850 ms" */
export const formatDuration = (ms: number): string =>
  ms < 1000 ? `${integer.format(ms)} ms` : `${(ms / 1000).toLocaleString(undefined, { maximumFractionDigits: 1 })} s`;

/** "1 record", "2 records" */
export const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

export const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
