/**
 * Progress bars for import and export, on stderr and only when stderr is a terminal, so that
 * stdout carries nothing but data and logs of scripts stay clean. cli-progress draws them
 * (a small, widely used library; loaded only when a bar is shown).
 */
export interface Progress {
  update(done: number, records: number): void;
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

/** A bar towards `total` (bytes or records), or a counter when the total is unknown (stdin). */
export async function progress(label: string, total: number | undefined, show: boolean): Promise<Progress> {
  if (!show) return NONE;
  const { default: cliProgress } = await import('cli-progress');
  const known = total !== undefined && total > 0;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: known
        ? `${label} |{bar}| {percentage}% | {records} records | {eta_formatted} left`
        : `${label} {records} records`,
      hideCursor: true,
      barsize: 30,
      // Redraw at most 5 times a second, and also when stderr is not a real TTY in tests.
      fps: 5,
      noTTYOutput: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(known ? total : 1, 0, { records: 0 });
  return {
    update(done, records) {
      bar.update(known ? Math.min(done, total) : 0, { records });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Counts the records in export text as it streams by: NDJSON lines, or CSV rows (newlines inside quotes do not count). */
export function recordCounter(format: 'ndjson' | 'csv'): (chunk: Uint8Array) => number {
  let quoted = false;
  let rows = 0;
  return (chunk) => {
    for (const byte of chunk) {
      if (format === 'csv' && byte === 0x22) quoted = !quoted;
      else if (byte === 0x0a && !quoted) rows++;
    }
    // The CSV header is a row but not a record.
    return format === 'csv' ? Math.max(0, rows - 1) : rows;
  };
}
